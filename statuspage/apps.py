from django.apps import AppConfig


class StatuspageConfig(AppConfig):
    name = "statuspage"
    verbose_name = "Status page"

    def ready(self) -> None:
        from statuspage.public import invalidation as signals

        signals.connect()

        from statuspage.twofactor import session

        session.connect()

        from statuspage import pg_timestamps

        pg_timestamps.connect()
