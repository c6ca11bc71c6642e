import os

from django.core.wsgi import get_wsgi_application

from statuspage.gctuning import tune_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "statuspage.settings")

application = get_wsgi_application()
tune_for_serving()
