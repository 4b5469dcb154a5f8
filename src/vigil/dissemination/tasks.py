"""The outbox as a scheduled task, where Django's task framework (or the django-tasks
backport) is installed. The worker command does not need it; this lets a deployment that
already runs a task worker drain the outbox from there instead."""

from __future__ import annotations

try:  # Django 6 ships the framework; Django 5.2 needs the backport.
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on what is installed
    try:
        from django_tasks import task  # type: ignore[import-not-found,no-redef]
    except ImportError:
        task = None


def send_due_outbox(batch: int = 100) -> dict[str, int]:
    """Send what is due now, as `vigil send_outbox --once` would."""
    from vigil.dissemination import outbox

    run = outbox.run_worker(worker_id=f"task:{outbox.default_worker_id()}", batch=batch, once=True)
    return {"sent": run.sent, "retried": run.retried, "failed": run.failed}


if task is not None:
    send_due_outbox_task = task()(send_due_outbox)
