from django.apps import AppConfig


class FieldReportsConfig(AppConfig):
    name = "vigil.fieldreports"
    verbose_name = "Field reports"

    def ready(self) -> None:
        # Submissions the events app's ODK connector pulls are filed here, by the same
        # importer (and idempotency by instance id) as an uploaded export.
        from vigil.events.services.sync import register_item_handler

        register_item_handler("odk", _store_pulled_submission)


def _store_pulled_submission(item: dict) -> str:
    """One pulled submission: "new", "changed" (an edit) or "unchanged"; a refused one
    raises ValueError with every reason."""
    from django.contrib.auth import get_user_model

    from vigil.actors.models import Organisation
    from vigil.fieldreports.importing import BatchRejected, import_odk_submissions

    monitor = get_user_model().objects.filter(username=item.get("monitor") or "").first()
    organisation = Organisation.objects.filter(slug=item.get("organisation") or "").first()
    try:
        report = import_odk_submissions(
            payload={"value": [item["submission"]]},
            form_id=item.get("form") or "vigil_incident",
            monitor=monitor,
            organisation_id=organisation.pk if organisation else None,
        )
    except BatchRejected as exc:
        raise ValueError("; ".join(f"{e.field}: {e.reason}" for e in exc.errors)) from None
    if report.created:
        return "new"
    return "changed" if report.updated else "unchanged"
