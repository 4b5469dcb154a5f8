"""Writes on indicators: load sets from files, file observations (at most once), review them.

Observations follow the field reports' review workflow and reuse its vocabulary: every
state change is an `ObservationTransition` row written in the same transaction as the
change, and nothing is ever deleted.

Indicator sets are public configuration, like the reference geography: loading one takes no
actor and writes no audit row; the files under ``indicators/data`` are reviewed in version
control, and edits made in the admin are logged by the admin.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.fieldreports.choices import FINAL_STATUSES, REVIEW_TRANSITIONS, Channel, ReviewStatus
from vigil.fieldreports.services import REVIEWER_ROLES, monitor_organisation
from vigil.geo.choices import AdminLevel
from vigil.geo.models import AdminArea, Country
from vigil.idempotency import canonical, check_same_request
from vigil.indicators.choices import Direction, ElectionPhase, Period
from vigil.indicators.models import (
    ONE_PER_PERIOD,
    Indicator,
    IndicatorSet,
    Observation,
    ObservationTransition,
    ObservationValue,
)
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisations_with_role

SHIPPED_SETS = resources.files("vigil.indicators") / "data"
_SLUG = re.compile(r"^[-a-z0-9_]+$")
# Decisions a reviewer may take; the way back to SUBMITTED is the monitor's resubmission.
DECISIONS = (
    ReviewStatus.UNDER_REVIEW,
    ReviewStatus.NEEDS_INFO,
    ReviewStatus.VERIFIED,
    ReviewStatus.REJECTED,
)


# ---------------------------------------------------------------------------------------
# Indicator sets from files
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    """What loading one set's file changed: counts of indicators by outcome."""

    code: str
    set_created: bool
    set_updated: bool
    created: int
    updated: int
    unchanged: int
    retired: int

    @property
    def changed_anything(self) -> bool:
        return (
            self.set_created
            or self.set_updated
            or bool(self.created or self.updated or self.retired)
        )


def shipped_set_paths() -> list[Path]:
    """The indicator-set files bundled with Vigil, in name order."""
    return sorted(Path(str(p)) for p in SHIPPED_SETS.iterdir() if p.name.endswith(".json"))


@transaction.atomic
def load_indicator_set(*, path: Path | str) -> LoadResult:
    """Create or update one indicator set from a JSON file, matching set and indicators by code.

    Idempotent: loading the same file again changes nothing. The whole file is checked
    first and every problem reported at once, keyed by where it is (`indicators[3].direction`);
    nothing is written unless the file is valid. Indicators no longer in the file are
    retired (`is_active=False`), never deleted, since observations cite them.
    """
    spec = _parse_set_file(Path(path))
    set_fields = {k: spec[k] for k in ("name", "description", "version")}
    indicator_set, set_created = IndicatorSet.objects.get_or_create(
        code=spec["code"], defaults=set_fields
    )
    set_updated = not set_created and _update_if_changed(indicator_set, set_fields)

    existing = {i.code: i for i in indicator_set.indicators.all()}
    created = updated = unchanged = 0
    for fields in spec["indicators"]:
        current = existing.get(fields["code"])
        if current is None:
            Indicator.objects.create(indicator_set=indicator_set, **fields)
            created += 1
        elif _update_if_changed(current, fields):
            updated += 1
        else:
            unchanged += 1
    in_file = {fields["code"] for fields in spec["indicators"]}
    retired = indicator_set.indicators.filter(is_active=True).exclude(code__in=in_file)
    retired_count = retired.update(is_active=False)
    return LoadResult(
        code=indicator_set.code,
        set_created=set_created,
        set_updated=set_updated,
        created=created,
        updated=updated,
        unchanged=unchanged,
        retired=retired_count,
    )


def _update_if_changed(instance: Any, fields: dict[str, Any]) -> bool:
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    if changed:
        instance.save(update_fields=changed)
    return bool(changed)


def _parse_set_file(path: Path) -> dict[str, Any]:
    """The file's set and indicators as model fields, or a ValidationError naming each fault."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationError({"file": f"{path}: no such file."}) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError({"file": f"{path}: not valid UTF-8 JSON ({exc})."}) from exc
    if not isinstance(document, dict):
        raise ValidationError({"file": f"{path}: expected a JSON object describing one set."})

    errors: dict[str, str] = {}
    _unknown_keys(document, {"code", "name", "description", "version", "scale", "indicators"},
                  "", errors)  # fmt: skip
    code = _slug(document.get("code"), "code", errors)
    name = _text(document.get("name"), "name", errors)
    default_scale = _scale(document.get("scale"), "scale", errors, default=None)
    indicators = document.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        errors["indicators"] = "Give a non-empty list of indicators."
        indicators = []

    parsed: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, item in enumerate(indicators, start=1):
        where = f"indicators[{position - 1}]"
        if not isinstance(item, dict):
            errors[where] = "Each indicator is an object."
            continue
        parsed_item = _indicator(item, where, position, default_scale, errors)
        if parsed_item["code"] in seen:
            errors[f"{where}.code"] = f"Code {parsed_item['code']!r} is used twice."
        seen.add(parsed_item["code"])
        parsed.append(parsed_item)
    if errors:
        raise ValidationError(errors)
    return {
        "code": code,
        "name": name,
        "description": str(document.get("description") or "").strip(),
        "version": str(document.get("version") or "").strip(),
        "indicators": parsed,
    }


def _indicator(
    item: dict[str, Any],
    where: str,
    order: int,
    default_scale: tuple[int, int, dict[str, str]] | None,
    errors: dict[str, str],
) -> dict[str, Any]:
    _unknown_keys(item, {"code", "name", "definition", "direction", "phase", "scale"}, where,
                  errors)  # fmt: skip
    direction = item.get("direction")
    if direction not in Direction.values:
        errors[f"{where}.direction"] = f"Must be one of {', '.join(Direction.values)}."
    phase = item.get("phase") or ""
    if phase not in ["", *ElectionPhase.values]:
        errors[f"{where}.phase"] = f"Must be one of {', '.join(ElectionPhase.values)}, or absent."
    scale = _scale(item.get("scale"), f"{where}.scale", errors, default=default_scale)
    scale_min, scale_max, labels = scale or (0, 4, {})
    return {
        "code": _slug(item.get("code"), f"{where}.code", errors),
        "name": _text(item.get("name"), f"{where}.name", errors),
        "definition": _text(item.get("definition"), f"{where}.definition", errors),
        "direction": direction,
        "phase": phase,
        "scale_min": scale_min,
        "scale_max": scale_max,
        "scale_labels": labels,
        "order": order,
        "is_active": True,
    }


def _scale(
    value: Any,
    where: str,
    errors: dict[str, str],
    *,
    default: tuple[int, int, dict[str, str]] | None,
) -> tuple[int, int, dict[str, str]] | None:
    """(min, max, labels keyed by the value as text) or the default when absent."""
    if value is None:
        if default is None and where != "scale":
            errors[where] = "Give a scale here or a default scale for the set."
        return default
    if not isinstance(value, dict):
        errors[where] = 'Expected {"min": 0, "max": 4, "labels": {"0": "None", ...}}.'
        return default
    low: Any = value.get("min")
    high: Any = value.get("max")
    if not _is_int(low) or not _is_int(high) or high <= low:
        errors[where] = "min and max must be whole numbers with max above min."
        return default
    labels = value.get("labels") or {}
    if not isinstance(labels, dict) or not all(
        isinstance(text, str) and text.strip() for text in labels.values()
    ):
        errors[f"{where}.labels"] = "Labels map each value to a non-empty text."
        return default
    off_scale = [k for k in labels if not str(k).lstrip("-").isdigit() or not low <= int(k) <= high]
    if off_scale:
        errors[f"{where}.labels"] = f"Labels for values outside {low}–{high}: {off_scale}."
        return default
    ordered = {str(k): labels[k].strip() for k in sorted(labels, key=int)}
    return low, high, ordered


def _unknown_keys(item: dict[str, Any], allowed: set[str], where: str, errors: dict) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        errors[f"{where}.keys" if where else "keys"] = (
            f"Unknown keys {unknown}; expected some of {sorted(allowed)}."
        )


def _slug(value: Any, where: str, errors: dict[str, str]) -> str:
    if not isinstance(value, str) or not _SLUG.match(value) or len(value) > 64:
        errors[where] = "A code of lowercase letters, digits and hyphens (at most 64)."
        return str(value)
    return value


def _text(value: Any, where: str, errors: dict[str, str]) -> str:
    if not isinstance(value, str) or not value.strip():
        errors[where] = "Required text."
        return ""
    return value.strip()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------
# Observations
# ---------------------------------------------------------------------------------------


def period_start_error(period: str, start: dt.date) -> str | None:
    """Why `start` cannot begin a `period`, or None when it can."""
    if period == Period.WEEKLY and start.weekday() != 0:
        return "A weekly period starts on a Monday."
    if period == Period.MONTHLY and start.day != 1:
        return "A monthly period starts on the 1st of the month."
    if start > timezone.now().date():
        return "The period cannot start in the future."
    return None


def _resolve_set(indicator_set: IndicatorSet | str) -> IndicatorSet:
    if isinstance(indicator_set, IndicatorSet):
        return indicator_set
    found = IndicatorSet.objects.filter(code=indicator_set).first()
    if found is None:
        raise ValidationError(
            {"indicator_set": _("No indicator set %(code)r.") % {"code": indicator_set}}
        )
    return found


def _scored(
    indicator_set: IndicatorSet,
    values: dict[str, int],
    value_notes: dict[str, str] | None,
    errors: dict[str, str],
) -> list[tuple[Indicator, int, str | None]]:
    """(indicator, value, note or None when not given) for each value; faults into `errors`."""
    if not values:
        errors["values"] = "Score at least one indicator."
        return []
    indicators = {i.code: i for i in indicator_set.indicators.filter(is_active=True)}
    notes = value_notes or {}
    for code in sorted(set(notes) - set(values)):
        errors[f"value_notes.{code}"] = "A note needs a value for the same indicator."
    scored = []
    for code, value in values.items():
        indicator = indicators.get(code)
        if indicator is None:
            errors[f"values.{code}"] = f"Not an indicator of {indicator_set.code}."
        elif not _is_int(value):
            errors[f"values.{code}"] = "Must be a whole number."
        elif not indicator.is_on_scale(value):
            errors[f"values.{code}"] = (
                f"Must be between {indicator.scale_min} and {indicator.scale_max}."
            )
        else:
            scored.append((indicator, value, notes.get(code)))
    return scored


def _check_area(country_id: str, admin1_id: int | None, errors: dict[str, str]) -> None:
    if not Country.objects.filter(pk=country_id).exists():
        errors["country"] = f"No country {country_id!r} (use ISO 3166-1 alpha-3)."
        return
    if admin1_id is None:
        return
    area = AdminArea.objects.filter(pk=admin1_id).first()
    if area is None or area.level != AdminLevel.ADMIN1:
        errors["admin1"] = "No such first-level area."
    elif area.country_id != country_id:
        errors["admin1"] = f"This area is not in {country_id}."


def _same_period(**key: Any) -> Observation | None:
    return Observation.objects.filter(**key).first()


def _duplicate_error(existing: Observation) -> ValidationError:
    message = f"{ONE_PER_PERIOD[:-1]} (observation #{existing.pk})."
    return ValidationError({"period_start": message})


@transaction.atomic
def submit_observation(
    *,
    monitor: Any,
    indicator_set: IndicatorSet | str,
    country_id: str,
    admin1_id: int | None,
    period: str,
    period_start: dt.date,
    values: dict[str, int],
    value_notes: dict[str, str] | None = None,
    notes: str = "",
    tlp: str = TLP.AMBER,
    channel: str = Channel.WEB,
    idempotency_key: str = "",
    organisation_id: int | None = None,
) -> tuple[Observation, bool]:
    """Accept an observation at most once. Returns (observation, created); a retry with the
    same idempotency key returns the first observation and creates nothing.

    `values` scores indicators of the set by code; `value_notes` annotates some of them;
    `notes` is the monitor's overall reading of the period. A monitor files at most one
    observation per set, area and period.
    """
    request = canonical(
        {
            "indicator_set": getattr(indicator_set, "code", indicator_set),
            "country_id": country_id,
            "admin1_id": admin1_id,
            "period": period,
            "period_start": period_start,
            "values": dict(sorted(values.items())),
            "value_notes": dict(sorted((value_notes or {}).items())),
            "notes": notes,
            "tlp": tlp,
            "organisation": organisation_id,
        }
    )
    if idempotency_key:
        existing = Observation.objects.filter(
            monitor=monitor, idempotency_key=idempotency_key
        ).first()
        if existing:
            check_same_request(idempotency_key, existing.request_fields, request)
            return existing, False
    owner = monitor_organisation(monitor, organisation_id)
    chosen_set = _resolve_set(indicator_set)
    errors: dict[str, str] = {}
    if period not in Period.values:
        errors["period"] = f"Must be one of {', '.join(Period.values)}."
    elif problem := period_start_error(period, period_start):
        errors["period_start"] = problem
    if tlp not in TLP.values:
        errors["tlp"] = f"Must be one of {', '.join(TLP.values)}."
    _check_area(country_id, admin1_id, errors)
    scored = _scored(chosen_set, values, value_notes, errors)
    if errors:
        raise ValidationError(errors)
    key = {
        "monitor": monitor,
        "indicator_set": chosen_set,
        "country_id": country_id,
        "admin1_id": admin1_id,
        "period": period,
        "period_start": period_start,
    }
    if existing := _same_period(**key):
        raise _duplicate_error(existing)
    try:
        with transaction.atomic():
            observation = Observation.objects.create(
                **key,
                owner_org_id=owner,
                tlp=tlp,
                channel=channel,
                idempotency_key=idempotency_key,
                request_fields=request if idempotency_key else {},
                notes=notes.strip(),
                status=ReviewStatus.SUBMITTED,
            )
            ObservationValue.objects.bulk_create(
                ObservationValue(
                    observation=observation, indicator=indicator, value=value, notes=note or ""
                )
                for indicator, value, note in scored
            )
            ObservationTransition.objects.create(
                observation=observation, to_status=ReviewStatus.SUBMITTED, actor=monitor
            )
    except IntegrityError:
        # A concurrent retry won the race: answer with its observation, or say it exists.
        if idempotency_key:
            existing = Observation.objects.filter(
                monitor=monitor, idempotency_key=idempotency_key
            ).first()
            if existing:
                check_same_request(idempotency_key, existing.request_fields, request)
                return existing, False
        if existing := _same_period(**key):
            raise _duplicate_error(existing) from None
        raise
    return observation, True


def can_review(user: Any, observation: Observation) -> bool:
    """Analysts and supervisors of the owning organisation review its observations."""
    return observation.owner_org_id in organisations_with_role(user, REVIEWER_ROLES)


def _lock_status(observation: Observation) -> None:
    # Re-read the status under a row lock so two reviewers cannot both decide one state.
    observation.status = (
        Observation.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=observation.pk)
    )


def _move(observation: Observation, *, to: str, actor: Any, reason: str = "") -> Observation:
    if (observation.status, to) not in REVIEW_TRANSITIONS:
        raise ValidationError(
            {
                "status": _("A %(status)s observation cannot become %(to)s.")
                % {"status": observation.status, "to": to}
            }
        )
    ObservationTransition.objects.create(
        observation=observation,
        from_status=observation.status,
        to_status=to,
        actor=actor,
        reason=reason,
    )
    observation.status = to
    observation.save(update_fields=["status", "updated_at"])
    return observation


@transaction.atomic
def decide_observation(
    *, observation: Observation, actor: Any, to: str, reason: str = ""
) -> Observation:
    """A reviewer takes an observation into review, verifies it, rejects it, or sends it back
    to its monitor for more information. Rejected observations stay on record."""
    if not can_review(actor, observation):
        raise PermissionDenied(
            _("Only analysts of the owning organisation review this observation.")
        )
    if to not in DECISIONS:
        raise ValidationError({"to": _("Unknown decision %(to)r.") % {"to": to}})
    _lock_status(observation)
    if observation.status in FINAL_STATUSES:
        raise ValidationError(
            {
                "status": _("This observation is already %(status)s.")
                % {"status": observation.status}
            }
        )
    if to == ReviewStatus.NEEDS_INFO and not reason.strip():
        raise ValidationError({"reason": _("Say what information is needed.")})
    if to == ReviewStatus.REJECTED and not reason.strip():
        raise ValidationError({"reason": _("Say why the observation is rejected.")})
    return _move(observation, to=to, actor=actor, reason=reason.strip())


@transaction.atomic
def resubmit_observation(
    *,
    observation: Observation,
    actor: Any,
    values: dict[str, int],
    value_notes: dict[str, str] | None = None,
    notes: str | None = None,
) -> Observation:
    """The monitor amends an observation sent back for more information and submits it again.

    The values given replace those filed for the same indicators; indicators not named keep
    their value. `notes`, when given, replaces the overall notes.
    """
    if observation.monitor_id != actor.pk:
        raise PermissionDenied(_("Only the monitor who filed an observation amends it."))
    _lock_status(observation)
    if observation.status != ReviewStatus.NEEDS_INFO:
        raise ValidationError(
            {"status": "Only an observation sent back for more information can be resubmitted."}
        )
    errors: dict[str, str] = {}
    scored = _scored(observation.indicator_set, values, value_notes, errors)
    if errors:
        raise ValidationError(errors)
    for indicator, value, note in scored:
        defaults: dict[str, Any] = {"value": value}
        if note is not None:
            defaults["notes"] = note
        ObservationValue.objects.update_or_create(
            observation=observation, indicator=indicator, defaults=defaults
        )
    if notes is not None:
        observation.notes = notes.strip()
        observation.save(update_fields=["notes", "updated_at"])
    return _move(observation, to=ReviewStatus.SUBMITTED, actor=actor, reason="amended")
