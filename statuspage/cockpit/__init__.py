"""The staff cockpit: the admin's first page (overview), a monitor's detail,
the engine's health and the banner that says when the engine has stopped.

site.py     the admin site: its index is the overview, its extra URLs
apps.py     the admin app config that installs that site, and this app
admin.py    the cockpit's columns and buttons on the monitor, incident and
            maintenance admins (registered over the apps' own)
overview.py / detail.py / engine.py   the views, each building its context
charts.py   inline SVG drawn on the server (sparklines, response-time charts)
alarm.py    the red banner's sentences, cached for a few seconds
queues.py   messages waiting per location, from the broker
"""
