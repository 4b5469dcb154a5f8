"""Writes on alerts: raise (by hand or by rule), issue, update, cancel, expire.

Every state change is an `AlertTransition` row written in the same transaction as the
change; issuing, updating and cancelling an issued alert each send a new CAP message (a new
identifier) whose `references` name every earlier message, as CAP 1.2 asks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.choices import Role
from vigil.actors.models import Organisation
from vigil.alerts.cap import cap_scope_for, format_cap_datetime
from vigil.alerts.choices import (
    ACTIVE_STATES,
    ALERT_TRANSITIONS,
    AlertSource,
    AlertStatus,
    CapCategory,
    CapStatus,
    Certainty,
    ForecastMeasure,
    Language,
    MsgType,
    RuleKind,
    Severity,
    Urgency,
)
from vigil.alerts.models import (
    Alert,
    AlertArea,
    AlertInfo,
    AlertRule,
    AlertTransition,
    FeedToken,
)
from vigil.geo.models import Country, RegionalOrganisation
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisations_with_role

# Who may write, issue, update and cancel an organisation's alerts.
ALERT_ROLES = (Role.ANALYST, Role.SUPERVISOR)
DEFAULT_VALID_DAYS = 30
# CAP forbids spaces, commas and the XML-reserved "<" and "&" in identifiers and senders.
_CAP_FORBIDDEN = set(" ,<&")


@dataclass
class InfoInput:
    """An alert's text in one language."""

    language: str
    headline: str
    description: str = ""
    instruction: str = ""


@dataclass
class AreaInput:
    """A place: a description and any of polygons ([[lat, lon], ...]), circles
    ({lat, lon, radius_km}) and geocodes ({valueName, value})."""

    description: str
    polygons: list[list[list[float]]] = field(default_factory=list)
    circles: list[dict[str, float]] = field(default_factory=list)
    geocodes: list[dict[str, str]] = field(default_factory=list)


@dataclass
class AlertInput:
    """What an analyst says in an alert, whatever the channel (form, API)."""

    event: str
    infos: list[InfoInput]
    region_id: str | None = None
    country_ids: list[str] = field(default_factory=list)
    areas: list[AreaInput] = field(default_factory=list)
    category: str = CapCategory.SECURITY
    urgency: str = Urgency.EXPECTED
    severity: str = Severity.SEVERE
    certainty: str = Certainty.POSSIBLE
    response_type: str = "Monitor"
    cap_status: str = CapStatus.ACTUAL
    tlp: str = TLP.GREEN
    onset: dt.datetime | None = None
    expires: dt.datetime | None = None
    event_ids: list[int] = field(default_factory=list)


# --- permissions ---------------------------------------------------------------------------


def alert_organisations(actor: Any) -> list[int]:
    """Organisations in which `actor` may write and decide alerts."""
    return organisations_with_role(actor, ALERT_ROLES)


def can_manage(actor: Any, alert: Alert) -> bool:
    """Whether `actor` may review, issue, update or cancel `alert`."""
    if getattr(actor, "is_superuser", False):
        return True
    return alert.owner_org_id in alert_organisations(actor)


def _require_manager(actor: Any, alert: Alert) -> None:
    if not can_manage(actor, alert):
        raise PermissionDenied(
            _("Only analysts and supervisors of the owning organisation may do this.")
        )


def author_organisation(actor: Any, organisation_id: int | None = None) -> int:
    """The organisation an analyst writes for: the one named, or their only one."""
    organisations = alert_organisations(actor)
    if organisation_id is not None:
        if organisation_id not in organisations and not getattr(actor, "is_superuser", False):
            raise PermissionDenied(_("You are not an analyst or supervisor of this organisation."))
        return organisation_id
    if len(organisations) != 1:
        raise ValidationError(
            {"organisation": "Say which organisation this alert is for."}
            if organisations
            else {"organisation": "Only analysts and supervisors can raise alerts."}
        )
    return organisations[0]


# --- identifiers ---------------------------------------------------------------------------


def cap_sender_for(organisation: Organisation) -> str:
    """The CAP `sender` of an organisation's alerts: a stable address-like name."""
    domain = getattr(settings, "VIGIL_CAP_SENDER_DOMAIN", "vigil.local")
    return f"{organisation.slug}@{domain}"


def new_cap_identifier() -> str:
    return f"vigil-{uuid.uuid4()}"


# --- validation ----------------------------------------------------------------------------


def validate_alert_input(data: AlertInput) -> None:
    """Refuse what no channel may submit, naming each field."""
    errors: dict[str, str] = {}
    if not data.event.strip():
        errors["event"] = "Say what the alert is about."
    languages = [info.language for info in data.infos]
    if not data.infos:
        errors["infos"] = "Write the alert in at least one language."
    elif len(set(languages)) != len(languages):
        errors["infos"] = "Write one text per language."
    elif unknown := set(languages) - set(Language.values):
        errors["infos"] = f"Unsupported language: {', '.join(sorted(unknown))}."
    elif any(not info.headline.strip() for info in data.infos):
        errors["infos"] = "Every language needs a headline."
    if data.region_id and not RegionalOrganisation.objects.filter(pk=data.region_id).exists():
        errors["region"] = f"No regional organisation {data.region_id}."
    known = set(Country.objects.filter(pk__in=data.country_ids).values_list("pk", flat=True))
    if missing := set(data.country_ids) - known:
        errors["countries"] = f"Unknown country codes: {', '.join(sorted(missing))}."
    elif data.region_id and data.country_ids:
        members = set(
            RegionalOrganisation(pk=data.region_id)
            .members_on(timezone.now().date())
            .values_list("pk", flat=True)
        )
        if outside := set(data.country_ids) - members:
            errors["countries"] = f"Not members of {data.region_id}: {', '.join(sorted(outside))}."
    for choice, value, name in (
        (CapCategory, data.category, "category"),
        (Urgency, data.urgency, "urgency"),
        (Severity, data.severity, "severity"),
        (Certainty, data.certainty, "certainty"),
        (CapStatus, data.cap_status, "cap_status"),
        (TLP, data.tlp, "tlp"),
    ):
        if value not in choice.values:
            errors[name] = f"Not a valid {name}: {value}."
    if data.cap_status == CapStatus.DRAFT:
        errors["cap_status"] = "A draft is a lifecycle state here; choose Actual, Exercise or Test."
    if data.expires and data.expires <= timezone.now():
        errors["expires"] = "The alert would already have expired."
    if data.onset and data.expires and data.onset >= data.expires:
        errors["onset"] = "The onset must come before the expiry."
    area_error = _area_error(data.areas)
    if area_error:
        errors["areas"] = area_error
    if errors:
        raise ValidationError(errors)


def _area_error(areas: list[AreaInput]) -> str:
    for area in areas:
        if not area.description.strip():
            return "Every area needs a description."
        for polygon in area.polygons:
            closed = polygon if polygon and polygon[0] == polygon[-1] else [*polygon, polygon[:1]]
            if len(polygon) < 3 or len(closed) < 4:
                return "A polygon needs at least three distinct points."
            for point in polygon:
                if not _is_lat_lon(point):
                    return f"Not a latitude,longitude pair: {point}."
        for circle in area.circles:
            if not _is_lat_lon([circle.get("lat"), circle.get("lon")]):
                return "A circle's centre must be a latitude,longitude pair."
            if not circle.get("radius_km") or float(circle["radius_km"]) <= 0:
                return "A circle's radius must be a positive number of kilometres."
        for code in area.geocodes:
            if not str(code.get("valueName", "")).strip() or not str(code.get("value", "")).strip():
                return "A geocode needs a valueName and a value."
    return ""


def _is_lat_lon(point: Any) -> bool:
    try:
        lat, lon = float(point[0]), float(point[1])
    except (TypeError, ValueError, IndexError):
        return False
    return -90 <= lat <= 90 and -180 <= lon <= 180


# --- writing the content -------------------------------------------------------------------


def _areas_or_countries(data: AlertInput) -> list[AreaInput]:
    """The areas given, or one area per country named by its ISO 3166 alpha-3 geocode."""
    if data.areas:
        return data.areas
    names = dict(Country.objects.filter(pk__in=data.country_ids).values_list("pk", "name"))
    return [
        AreaInput(description=names[iso3], geocodes=[{"valueName": "ISO3", "value": iso3}])
        for iso3 in data.country_ids
    ]


def _write_content(alert: Alert, data: AlertInput) -> None:
    """Replace an alert's content fields, texts and areas with `data`."""
    alert.event = data.event.strip()
    alert.category = data.category
    alert.urgency = data.urgency
    alert.severity = data.severity
    alert.certainty = data.certainty
    alert.response_type = data.response_type
    alert.cap_status = data.cap_status
    alert.tlp = data.tlp
    alert.scope = cap_scope_for(data.tlp)
    alert.restriction = "" if data.tlp == TLP.CLEAR else f"TLP:{data.tlp}"
    alert.region_id = data.region_id or None
    alert.onset = data.onset
    if data.expires is not None or alert.status in ("", AlertStatus.DRAFT):
        # An issued alert keeps its expiry unless a new one is given.
        alert.expires = data.expires
    if data.event_ids:
        alert.event_ids = sorted(set(data.event_ids))
    alert.save()
    alert.countries.set(data.country_ids)
    alert.infos.all().delete()
    AlertInfo.objects.bulk_create(
        AlertInfo(
            alert=alert,
            language=info.language,
            headline=info.headline.strip(),
            description=info.description.strip(),
            instruction=info.instruction.strip(),
        )
        for info in data.infos
    )
    alert.areas.all().delete()
    AlertArea.objects.bulk_create(
        AlertArea(
            alert=alert,
            description=area.description.strip(),
            polygons=[_closed(p) for p in area.polygons],
            circles=[
                {"lat": float(c["lat"]), "lon": float(c["lon"]), "radius_km": float(c["radius_km"])}
                for c in area.circles
            ],
            geocodes=[
                {"valueName": str(g["valueName"]), "value": str(g["value"])} for g in area.geocodes
            ],
        )
        for area in _areas_or_countries(data)
    )


def _closed(polygon: list[list[float]]) -> list[list[float]]:
    points = [[float(p[0]), float(p[1])] for p in polygon]
    return points if points[0] == points[-1] else [*points, points[0]]


def _transition(
    alert: Alert,
    *,
    to: str,
    actor: Any,
    note: str = "",
    message: bool = False,
) -> AlertTransition:
    """Move `alert` to `to` and record the step (and, if `message`, the CAP message sent)."""
    source = alert.status
    if source and (source, to) not in ALERT_TRANSITIONS:
        raise ValidationError(
            {"status": f"An alert cannot go from {source} to {to}."}, code="illegal_transition"
        )
    alert.status = to
    alert.save()
    return AlertTransition.objects.create(
        alert=alert,
        from_status=source,
        to_status=to,
        actor=actor,
        note=note,
        msg_type=alert.msg_type if message else "",
        identifier=alert.identifier if message else "",
        sender=alert.sender if message else "",
        sent=alert.sent if message else None,
    )


def _new_message(alert: Alert, msg_type: str, now: dt.datetime) -> None:
    """Give the alert a fresh CAP header for its next message; `references` name every
    message sent before it (sender,identifier,sent), oldest first."""
    earlier = list(
        alert.transitions.exclude(identifier="")
        .order_by("at", "pk")
        .values_list("sender", "identifier", "sent")
    )
    alert.references = " ".join(
        f"{sender},{identifier},{format_cap_datetime(sent)}" for sender, identifier, sent in earlier
    )
    alert.identifier = new_cap_identifier()
    alert.msg_type = msg_type
    alert.sent = now


# --- the lifecycle -------------------------------------------------------------------------


@transaction.atomic
def raise_alert(*, actor: Any, data: AlertInput, organisation_id: int | None = None) -> Alert:
    """An analyst's draft alert, owned by their organisation, waiting to be issued."""
    owner = author_organisation(actor, organisation_id)
    validate_alert_input(data)
    organisation = Organisation.objects.get(pk=owner)
    alert = Alert(
        owner_org=organisation,
        identifier=new_cap_identifier(),
        sender=cap_sender_for(organisation),
        sender_name=organisation.name,
        source=AlertSource.ANALYST,
        status="",
        created_by=actor,
    )
    _write_content(alert, data)
    _transition(alert, to=AlertStatus.DRAFT, actor=actor, note="Raised by hand.")
    return alert


@transaction.atomic
def revise_draft(*, alert: Alert, actor: Any, data: AlertInput) -> Alert:
    """Change a draft's content before it is issued (the review step); recorded as a
    draft-to-draft transition so the review leaves a trace."""
    alert = _locked(alert)
    _require_manager(actor, alert)
    if alert.status != AlertStatus.DRAFT:
        raise ValidationError({"status": "Only a draft can be revised; update an issued alert."})
    validate_alert_input(data)
    _write_content(alert, data)
    AlertTransition.objects.create(
        alert=alert,
        from_status=AlertStatus.DRAFT,
        to_status=AlertStatus.DRAFT,
        actor=actor,
        note="Draft revised.",
    )
    return alert


def _locked(alert: Alert) -> Alert:
    # Two supervisors acting at once must not both issue: re-read the row under a lock.
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _default_expiry(alert: Alert, now: dt.datetime) -> dt.datetime:
    days = alert.rule.valid_days if alert.rule_id and alert.rule else DEFAULT_VALID_DAYS
    return now + dt.timedelta(days=days)


@transaction.atomic
def issue_alert(*, alert: Alert, actor: Any, note: str = "") -> Alert:
    """Issue a reviewed draft: it becomes a CAP "Alert" message, enters the feeds, and the
    response loop's clock starts (`issued_at`)."""
    alert = _locked(alert)
    _require_manager(actor, alert)
    if alert.status != AlertStatus.DRAFT:
        raise ValidationError(
            {"status": f"Only a draft can be issued; this one is {alert.status}."}
        )
    if not alert.infos.exists():
        raise ValidationError({"infos": "Write the alert in at least one language first."})
    now = timezone.now()
    if alert.expires is None:
        alert.expires = _default_expiry(alert, now)
    elif alert.expires <= now:
        raise ValidationError({"expires": "The alert would already have expired."})
    alert.identifier = new_cap_identifier()
    alert.msg_type = MsgType.ALERT
    alert.references = ""
    alert.sent = now
    alert.issued_at = now
    _transition(alert, to=AlertStatus.ISSUED, actor=actor, note=note, message=True)
    announce_alert(alert)
    return alert


@transaction.atomic
def update_alert(*, alert: Alert, actor: Any, note: str, data: AlertInput | None = None) -> Alert:
    """Send a CAP "Update" of an issued alert: new content (if given), a new identifier,
    and `references` naming the earlier messages. `issued_at` never moves."""
    alert = _locked(alert)
    _require_manager(actor, alert)
    if alert.status not in ACTIVE_STATES:
        raise ValidationError(
            {"status": f"Only an issued alert can be updated; this one is {alert.status}."}
        )
    if not note.strip():
        raise ValidationError({"note": "Say what changed."})
    if data is not None:
        validate_alert_input(data)
        _write_content(alert, data)
    _new_message(alert, MsgType.UPDATE, timezone.now())
    alert.note = note.strip()
    _transition(alert, to=AlertStatus.UPDATED, actor=actor, note=note.strip(), message=True)
    announce_alert(alert)
    return alert


@transaction.atomic
def cancel_alert(*, alert: Alert, actor: Any, note: str) -> Alert:
    """Withdraw an alert. A draft is simply dropped; an issued alert gets a CAP "Cancel"
    message referencing the earlier ones, so receivers withdraw it too."""
    alert = _locked(alert)
    _require_manager(actor, alert)
    if not note.strip():
        raise ValidationError({"note": "Say why the alert is cancelled."})
    if alert.status == AlertStatus.DRAFT:
        _transition(alert, to=AlertStatus.CANCELLED, actor=actor, note=note.strip())
        return alert
    if alert.status not in ACTIVE_STATES:
        raise ValidationError(
            {"status": f"An alert that is {alert.status} cannot be cancelled."},
            code="illegal_transition",
        )
    _new_message(alert, MsgType.CANCEL, timezone.now())
    alert.note = note.strip()
    _transition(alert, to=AlertStatus.CANCELLED, actor=actor, note=note.strip(), message=True)
    announce_alert(alert)
    return alert


def announce_alert(alert: Alert) -> None:
    """Queue the alert's message for its subscribers in the durable outbox, in the same
    transaction as the state change that sent it: either both happen or neither. Only
    `Actual` alerts go to subscribers (exercises and tests do not). The outbox decides who
    may see it and keeps AMBER and RED bodies out of email; the CAP identifier of this
    message makes a repeated call queue nothing new."""
    if alert.cap_status != CapStatus.ACTUAL:
        return
    from django.urls import reverse

    from vigil.dissemination.services import enqueue_for

    prefix = {MsgType.ALERT: "", MsgType.UPDATE: "[Update] ", MsgType.CANCEL: "[Cancelled] "}
    infos = [i for i in alert.infos.all() if i.language in Language.values]
    enqueue_for(
        "alert",
        alert,
        region=alert.region_id,
        countries=list(alert.countries.values_list("pk", flat=True)),
        severity=alert.severity,
        tlp=alert.tlp,
        url=reverse("alerts:detail", args=[alert.pk]),
        subject={i.language: prefix.get(alert.msg_type, "") + i.headline for i in infos},
        body_by_language={
            i.language: "\n\n".join(
                part for part in (i.headline, i.description, i.instruction, alert.note) if part
            )
            for i in infos
        },
        revision=alert.identifier,
    )


def expire_due_alerts(now: dt.datetime | None = None) -> int:
    """Expire every active alert whose `expires` has passed; returns how many. Each alert
    is claimed by compare-and-set, so concurrent runs expire it once."""
    now = now or timezone.now()
    due = Alert.objects.filter(status__in=list(ACTIVE_STATES), expires__lte=now)
    expired = 0
    for pk, status in due.values_list("pk", "status"):
        with transaction.atomic():
            claimed = Alert.objects.filter(pk=pk, status=status).update(
                status=AlertStatus.EXPIRED, updated_at=now
            )
            if claimed:
                AlertTransition.objects.create(
                    alert_id=pk,
                    from_status=status,
                    to_status=AlertStatus.EXPIRED,
                    actor=None,
                    note="Expired automatically.",
                )
                expired += 1
    return expired


def create_alert_record(**fields: Any) -> tuple[Alert, bool]:
    """Create an alert row, or return the existing one its unique constraints name
    (rule × area × period): the idempotency of rule evaluation rests on the database."""
    try:
        with transaction.atomic():
            return Alert.objects.create(**fields), True
    except IntegrityError:
        existing = Alert.objects.filter(
            rule=fields.get("rule"), area_key=fields.get("area_key"), period=fields.get("period")
        ).first()
        if existing is None:
            raise
        return existing, False


@dataclass
class RuleInput:
    """A rule as a department configures it."""

    region_id: str
    name: str
    kind: str
    level: str = ""
    min_surprise: float | None = None
    min_effect: float | None = None
    measure: str = ""
    threshold: float | None = None
    horizon: int | None = None
    severity: str = Severity.SEVERE
    urgency: str = Urgency.EXPECTED
    certainty: str = Certainty.POSSIBLE
    valid_days: int = DEFAULT_VALID_DAYS


@transaction.atomic
def create_rule(*, actor: Any, data: RuleInput, organisation_id: int | None = None) -> AlertRule:
    """A department's new alert rule; only its analysts and supervisors may add one."""
    owner = author_organisation(actor, organisation_id)
    errors: dict[str, str] = {}
    if not RegionalOrganisation.objects.filter(pk=data.region_id).exists():
        errors["region"] = f"No regional organisation {data.region_id}."
    if data.kind == RuleKind.ESCALATION and data.min_surprise is None and data.min_effect is None:
        errors["min_surprise"] = "Give a surprise or an effect-size threshold."
    if data.kind == RuleKind.FORECAST:
        if data.measure not in ForecastMeasure.values:
            errors["measure"] = "Choose p_any or p_ge25."
        if data.threshold is None or not 0 < data.threshold < 1:
            errors["threshold"] = "A probability threshold between 0 and 1."
        if not data.horizon or data.horizon < 1:
            errors["horizon"] = "A horizon of at least one month."
    if data.kind not in RuleKind.values:
        errors["kind"] = "Choose escalation or forecast."
    if data.level not in ("", "country", "admin1"):
        errors["level"] = "Choose country, admin1 or blank."
    if errors:
        raise ValidationError(errors)
    return AlertRule.objects.create(organisation_id=owner, created_by=actor, **asdict(data))


# --- private feed addresses ----------------------------------------------------------------


@transaction.atomic
def issue_feed_token(*, user: Any) -> tuple[FeedToken, str]:
    """A new private feed key for `user`; any earlier one stops working. The key is
    returned once (it is part of an address) and only its hash is kept."""
    revoke_feed_tokens(user=user)
    key = secrets.token_urlsafe(24)
    token = FeedToken.objects.create(user=user, prefix=key[:8], key_hash=_feed_hash(key))
    return token, key


def revoke_feed_tokens(*, user: Any) -> int:
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def feed_reader(key: str) -> Any | None:
    """The active user a private feed key belongs to, or None (unknown, revoked, inactive)."""
    token = (
        FeedToken.objects.select_related("user")
        .filter(key_hash=_feed_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    FeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _feed_hash(key: str) -> str:
    return hashlib.sha256(f"feed:{key}".encode()).hexdigest()
