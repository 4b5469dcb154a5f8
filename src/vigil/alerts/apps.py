from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "vigil.alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        # Partner CAP feeds are polled by the events app's connectors; their messages are
        # stored here, by the CAP importer.
        from vigil.events.services.sync import register_item_handler

        register_item_handler("cap", _store_feed_message)


def _store_feed_message(item: dict) -> bool:
    """One message of a partner feed; CapRejected (a ValueError) refuses it with its reason."""
    from vigil.actors.models import Organisation
    from vigil.alerts.importing import import_cap_from_feed

    organisation = Organisation.objects.filter(slug=item.get("organisation")).first()
    if organisation is None:
        raise ValueError(f"the feed names no known organisation ({item.get('organisation')!r})")
    imported = import_cap_from_feed(
        item["data"],
        organisation_id=organisation.pk,
        tlp=item.get("tlp"),
        region_id=item.get("region"),
        country_ids=item.get("countries"),
    )
    return imported.created
