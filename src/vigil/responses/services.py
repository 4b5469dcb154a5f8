"""Writes of the response loop: load the option library, propose options, assign
responders, record actions and their status changes, assess outcomes.

Each write is atomic and leaves a row saying who did it and when; an action's status
changes are `ActionStatusChange` rows, so the warning-to-action metrics are a query over
what was recorded, never a counter kept up to date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.choices import Role
from vigil.actors.models import Organisation
from vigil.alerts.models import Alert
from vigil.responses.choices import (
    ACTION_TRANSITIONS,
    FINAL_ACTION_STATUSES,
    ActionStatus,
    Effect,
    ResponderRole,
    ResponseKind,
)
from vigil.responses.models import (
    ActionStatusChange,
    OutcomeAssessment,
    ProposedResponse,
    ResponderAssignment,
    ResponseAction,
    ResponseOption,
)
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisations_with_role, visible

OPTIONS_FILE = Path(__file__).resolve().parent / "data" / "response_options.json"
# Who steers the response to an alert of their organisation.
MANAGER_ROLES = (Role.ANALYST, Role.SUPERVISOR, Role.DECISION_MAKER)
# A responder organisation's people who may record its actions: anyone acting for it,
# not its field monitors (who report incidents, not responses).
RESPONDER_ROLES = tuple(r for r in Role.values if r != Role.MONITOR)


# ---------------------------------------------------------------- permissions


def may_see_alert(user: Any, alert: Alert) -> bool:
    return visible(Alert.objects.filter(pk=alert.pk), user).exists()


def can_manage_response(user: Any, alert: Alert) -> bool:
    """Analysts, supervisors and decision makers of the alert's owner steer its response."""
    if getattr(user, "is_superuser", False):
        return True
    return alert.owner_org_id in organisations_with_role(user, MANAGER_ROLES)


def responder_organisations(user: Any, alert: Alert) -> list[int]:
    """The assigned responders of `alert` for which `user` may record actions."""
    assigned = set(alert.responders.values_list("organisation_id", flat=True))
    if can_manage_response(user, alert):
        return sorted(assigned)
    return sorted(assigned & set(organisations_with_role(user, RESPONDER_ROLES)))


def can_record_action(user: Any, alert: Alert, responder_id: int | None = None) -> bool:
    """The alert's managers, or people of an assigned responder acting for it, who can see
    the alert."""
    if not may_see_alert(user, alert):
        return False
    allowed = responder_organisations(user, alert)
    if responder_id is None:
        return bool(allowed) or can_manage_response(user, alert)
    return responder_id in allowed


def _require_manager(user: Any, alert: Alert) -> None:
    if not (can_manage_response(user, alert) and may_see_alert(user, alert)):
        raise PermissionDenied(
            _("Only analysts, supervisors and decision makers of the alert's organisation do this.")
        )


# ---------------------------------------------------------------- the option library


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


OPTION_FIELDS = ("kind", "name", "description", "typical_lead_time_days", "typical_actors")


@transaction.atomic
def load_response_options(*, path: Path | None = None, actor: Any = None) -> LoadResult:
    """Load the option library from JSON ({"options": [...]}) or CSV, by `code`: loading the
    same file again changes nothing; all rows are checked before any is written."""
    source = Path(path or OPTIONS_FILE)
    rows = _read_options(source)
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        problems = _option_problems(row)
        if row.get("code") in seen:
            problems.append("duplicate code")
        seen.add(str(row.get("code")))
        if problems:
            errors[f"options[{number}]"] = problems
    if errors:
        raise ValidationError(errors)
    created = updated = unchanged = 0
    for row in rows:
        values = {name: row[name] for name in OPTION_FIELDS}
        values["typical_lead_time_days"] = int(values["typical_lead_time_days"])
        values["is_active"] = _truthy(row.get("is_active", True))
        option = ResponseOption.objects.filter(code=row["code"]).first()
        if option is None:
            ResponseOption.objects.create(code=row["code"], **values)
            created += 1
        elif any(getattr(option, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(option, name, value)
            option.save()
            updated += 1
        else:
            unchanged += 1
    return LoadResult(created=created, updated=updated, unchanged=unchanged)


def _read_options(source: Path) -> list[dict[str, Any]]:
    if source.suffix.lower() == ".csv":
        import csv

        with source.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    data = json.loads(source.read_text(encoding="utf-8"))
    return list(data["options"] if isinstance(data, dict) else data)


def _option_problems(row: dict[str, Any]) -> list[str]:
    problems = [f"{name} is missing" for name in ("code", *OPTION_FIELDS) if not row.get(name)]
    if row.get("kind") and row["kind"] not in ResponseKind.values:
        problems.append(f"kind {row['kind']!r} is not one of {', '.join(ResponseKind.values)}")
    try:
        if int(row.get("typical_lead_time_days", 0)) < 0:
            problems.append("typical_lead_time_days must be 0 or more")
    except (TypeError, ValueError):
        problems.append("typical_lead_time_days must be a whole number of days")
    return problems


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "")
    return bool(value)


# ---------------------------------------------------------------- proposing and assigning


@transaction.atomic
def propose_response(
    *, alert: Alert, option: ResponseOption, actor: Any, rationale: str = ""
) -> ProposedResponse:
    """Put an option from the library on the alert's menu of responses."""
    _require_manager(actor, alert)
    if not option.is_active:
        raise ValidationError({"option": "This option is no longer offered."})
    if alert.proposed_responses.filter(option=option).exists():
        raise ValidationError({"option": "This option is already proposed for this alert."})
    return ProposedResponse.objects.create(
        alert=alert, option=option, rationale=rationale.strip(), proposed_by=actor
    )


@transaction.atomic
def assign_responder(
    *, alert: Alert, organisation: Organisation, role: str, actor: Any, note: str = ""
) -> ResponderAssignment:
    """Name an organisation to respond to the alert.

    A responder must be able to read the warning it answers: a TLP:AMBER alert is shared
    with it in the same transaction (the owner's analysts may share it); AMBER+STRICT stays
    inside its owner, so other organisations are refused; for TLP:RED only the people named
    on the alert can act, which the page says.
    """
    _require_manager(actor, alert)
    if role not in ResponderRole.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if alert.responders.filter(organisation=organisation).exists():
        raise ValidationError(
            {"organisation": "This organisation is already a responder to this alert."}
        )
    outside = organisation.pk != alert.owner_org_id
    if outside and alert.tlp == TLP.AMBER_STRICT:
        raise ValidationError(
            {
                "organisation": "A TLP:AMBER+STRICT alert stays inside its organisation; "
                "re-mark it TLP:AMBER to involve another organisation."
            }
        )
    if outside and alert.tlp == TLP.AMBER:
        from vigil.sharing.services import share_record

        share_record(record=alert, actor=actor, organisation=organisation)
    return ResponderAssignment.objects.create(
        alert=alert, organisation=organisation, role=role, note=note.strip(), assigned_by=actor
    )


# ---------------------------------------------------------------- actions


def _check_day(name: str, day: dt.date | None, errors: dict[str, str]) -> None:
    if day is not None and day > timezone.localdate():
        errors[name] = "This day is in the future."


@transaction.atomic
def record_action(
    *,
    alert: Alert,
    responder: Organisation,
    actor: Any,
    description: str,
    option: ResponseOption | None = None,
    status: str = ActionStatus.PLANNED,
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
) -> ResponseAction:
    """Record what a responder did or plans to do about an issued alert.

    Under way and done actions need the day they started (done ones default to finishing
    today); the first status is written as a change row like every later one.
    """
    if not can_record_action(actor, alert, responder.pk):
        raise PermissionDenied(
            _(
                "Only the alert's analysts and decision makers, or people of an assigned "
                "responder acting for it, record its actions."
            )
        )
    errors: dict[str, str] = {}
    if alert.issued_at is None:
        errors["alert"] = "Actions are recorded on issued alerts; this one is a draft."
    if not description.strip():
        errors["description"] = "Say what was done or is planned."
    if status not in ActionStatus.values:
        errors["status"] = f"Unknown status {status!r}."
    if status in (ActionStatus.UNDER_WAY, ActionStatus.DONE) and started_on is None:
        errors["started_on"] = "Give the day the action started."
    if status == ActionStatus.PLANNED and (started_on or completed_on):
        errors["started_on"] = "A planned action has not started yet; record it as under way."
    if status == ActionStatus.DONE and completed_on is None:
        completed_on = timezone.localdate()
    if status != ActionStatus.DONE and completed_on is not None:
        errors["completed_on"] = "Only a done action has a completion day."
    if started_on and completed_on and completed_on < started_on:
        errors["completed_on"] = "An action cannot end before it starts."
    _check_day("started_on", started_on, errors)
    _check_day("completed_on", completed_on, errors)
    if option is not None and not option.is_active:
        errors["option"] = "This option is no longer offered."
    if errors:
        raise ValidationError(errors)
    action = ResponseAction.objects.create(
        alert=alert,
        responder=responder,
        option=option,
        description=description.strip(),
        status=status,
        started_on=started_on,
        completed_on=completed_on,
        recorded_by=actor,
    )
    ActionStatusChange.objects.create(
        action=action,
        to_status=status,
        on=started_on or timezone.localdate(),
        actor=actor,
    )
    return action


@transaction.atomic
def change_action_status(
    *, action: ResponseAction, to: str, actor: Any, on: dt.date | None = None, note: str = ""
) -> ResponseAction:
    """Move an action on (under way, done, abandoned) as of the day `on` (default today).

    Starting sets the start day; finishing an action never marked as started sets both.
    """
    # Lock the row: two people closing the same action must not both move it.
    action = ResponseAction.objects.select_for_update().select_related("alert").get(pk=action.pk)
    if not can_record_action(actor, action.alert, action.responder_id):
        raise PermissionDenied(_("You do not record actions for this responder."))
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if (action.status, to) not in ACTION_TRANSITIONS:
        if action.status in FINAL_ACTION_STATUSES:
            errors["to"] = f"This action is already {ActionStatus(action.status).label.lower()}."
        else:
            errors["to"] = f"A {action.status} action cannot become {to}."
    _check_day("on", on, errors)
    if (
        to in (ActionStatus.DONE, ActionStatus.ABANDONED)
        and action.started_on
        and on < action.started_on
    ):
        errors["on"] = "An action cannot end before it starts."
    if to == ActionStatus.ABANDONED and not note.strip():
        errors["note"] = "Say why the action was abandoned."
    if errors:
        raise ValidationError(errors)
    ActionStatusChange.objects.create(
        action=action,
        from_status=action.status,
        to_status=to,
        on=on,
        note=note.strip(),
        actor=actor,
    )
    if to == ActionStatus.UNDER_WAY:
        action.started_on = on
    if to == ActionStatus.DONE:
        action.started_on = action.started_on or on
        action.completed_on = on
    action.status = to
    action.save(update_fields=["status", "started_on", "completed_on", "updated_at"])
    return action


# ---------------------------------------------------------------- outcomes


@transaction.atomic
def assess_outcome(
    *,
    alert: Alert,
    actor: Any,
    effect: int,
    evidence: str,
    assessed_on: dt.date | None = None,
    action: ResponseAction | None = None,
) -> OutcomeAssessment:
    """Judge what the response (or one action) achieved, with the evidence for it. The
    assessor is one of the alert's managers; a later assessment supersedes earlier ones."""
    _require_manager(actor, alert)
    errors: dict[str, str] = {}
    if effect not in Effect.values:
        errors["effect"] = f"The effect is rated {min(Effect.values)} to {max(Effect.values)}."
    if not evidence.strip():
        errors["evidence"] = "Give the evidence the assessment rests on."
    if action is not None and action.alert_id != alert.pk:
        errors["action"] = "This action answers another alert."
    assessed_on = assessed_on or timezone.localdate()
    _check_day("assessed_on", assessed_on, errors)
    if alert.issued_at and assessed_on < timezone.localtime(alert.issued_at).date():
        errors["assessed_on"] = "An outcome is assessed after the alert was issued."
    if errors:
        raise ValidationError(errors)
    return OutcomeAssessment.objects.create(
        alert=alert,
        action=action,
        effect=effect,
        evidence=evidence.strip(),
        assessed_on=assessed_on,
        assessed_by=actor,
        # Only the owner's managers assess, so the assessment speaks for the owner.
        assessor_org_id=alert.owner_org_id,
    )
