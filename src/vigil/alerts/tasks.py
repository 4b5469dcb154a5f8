"""Alert housekeeping as a scheduled task, where Django's task framework (or the
django-tasks backport) is installed; `vigil alerts_tick` does the same from cron."""

from __future__ import annotations

try:  # Django 6 ships the framework; Django 5.2 needs the backport.
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on what is installed
    try:
        from django_tasks import task  # type: ignore[import-not-found,no-redef]
    except ImportError:
        task = None


def alerts_tick() -> dict[str, int]:
    """Expire due alerts, then raise drafts from the newest analysis runs."""
    from vigil.alerts.rules import evaluate_rules, runs_to_evaluate
    from vigil.alerts.services import expire_due_alerts

    expired = expire_due_alerts()
    raised = sum(len(evaluate_rules(run)) for run in runs_to_evaluate())
    return {"expired": expired, "raised": raised}


if task is not None:
    alerts_tick_task = task()(alerts_tick)
