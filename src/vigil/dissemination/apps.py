from django.apps import AppConfig


class DisseminationConfig(AppConfig):
    name = "vigil.dissemination"
    verbose_name = "Dissemination"

    def ready(self) -> None:
        # The events app finds stale sources; the admins hear of it through the outbox.
        from vigil.dissemination.notices import notify_stale_source
        from vigil.events.services.freshness import register_stale_handler

        register_stale_handler(notify_stale_source)
