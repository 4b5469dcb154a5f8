from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "vigil.indicators"
    verbose_name = "Indicators and observations"

    def ready(self) -> None:
        # Observation submissions the events app's ODK connector pulls are filed here.
        from vigil.events.services.sync import register_item_handler

        register_item_handler("odk_observations", _store_pulled_observation)


def _store_pulled_observation(item: dict) -> str:
    """One pulled observation submission: "new" or "unchanged"; refused: ValueError."""
    from django.contrib.auth import get_user_model

    from vigil.actors.models import Organisation
    from vigil.fieldreports.importing import BatchRejected
    from vigil.indicators.importing import import_observation_submissions

    monitor = get_user_model().objects.filter(username=item.get("monitor") or "").first()
    if monitor is None:
        raise ValueError(f"the feed names no Vigil monitor ({item.get('monitor')!r})")
    organisation = Organisation.objects.filter(slug=item.get("organisation") or "").first()
    try:
        report = import_observation_submissions(
            payload={"value": [item["submission"]]},
            monitor=monitor,
            organisation_id=organisation.pk if organisation else None,
        )
    except BatchRejected as exc:
        raise ValueError("; ".join(f"{e.field}: {e.reason}" for e in exc.errors)) from None
    return "new" if report.created else "unchanged"
