"""Writes of dissemination: people's subscriptions, and queueing messages in the outbox.

`enqueue_for` is what the alerts and products code calls when something is issued or
published. It only writes rows; the outbox worker (`vigil send_outbox`, see outbox.py) sends
them. Queueing is idempotent: the same thing for the same person is one row, whatever the
number of calls or of matching subscriptions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.dissemination.choices import (
    DEFAULT_PRIORITY,
    PRIORITY,
    SEVERITY_RANK,
    Kind,
    Language,
    Severity,
)
from vigil.dissemination.mail import message_id_domain
from vigil.dissemination.models import OutboxMessage, Subscription
from vigil.geo.models import Country, RegionalOrganisation, RegionMembership
from vigil.sharing.choices import TLP
from vigil.sharing.policy import visible

# TLP marks from least to most restrictive; content of the first two may be in a body.
TLP_ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]
BODY_SAFE_TLP = frozenset({TLP.CLEAR, TLP.GREEN})


# --- subscriptions ----------------------------------------------------------------------


@dataclass
class SubscriptionInput:
    """What a person asks to receive. Empty region, country or kind mean 'any'."""

    region_code: str | None = None
    country_id: str | None = None
    kind: str = ""
    min_severity: str = Severity.UNKNOWN
    language: str = Language.EN


def _validate_subscription(data: SubscriptionInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    region = country = None
    if data.region_code:
        region = RegionalOrganisation.objects.filter(pk=data.region_code.upper()).first()
        if region is None:
            errors["region"] = _("Unknown regional organisation.")
    if data.country_id:
        country = Country.objects.filter(pk=data.country_id.upper()).first()
        if country is None:
            errors["country"] = _("Unknown country.")
    if region and country:
        today = timezone.now().date()
        if not region.members_on(today).filter(pk=country.pk).exists():
            errors["country"] = _("%(country)s is not a member of %(region)s.") % {
                "country": country.name,
                "region": region.code,
            }
    if data.kind and data.kind not in Kind.values:
        errors["kind"] = _("Unknown kind of product.")
    if data.min_severity not in Severity.values:
        errors["min_severity"] = _("Unknown severity.")
    if data.language not in Language.values:
        errors["language"] = _("Unsupported language.")
    if errors:
        raise ValidationError(errors)
    return {
        "region": region,
        "country": country,
        "kind": data.kind,
        "min_severity": data.min_severity,
        "language": data.language,
    }


@transaction.atomic
def subscribe(*, actor: Any, data: SubscriptionInput) -> Subscription:
    """Subscribe the signed-in person; an identical subscription of theirs is refused."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to subscribe."))
    fields = _validate_subscription(data)
    if Subscription.objects.filter(user=actor, is_active=True, **fields).exists():
        raise ValidationError(_("You already have this subscription."))
    return Subscription.objects.create(user=actor, **fields)


@transaction.atomic
def update_subscription(
    *, subscription: Subscription, actor: Any, data: SubscriptionInput
) -> Subscription:
    """Change one of one's own subscriptions."""
    _check_owner(subscription, actor)
    fields = _validate_subscription(data)
    duplicate = Subscription.objects.filter(user=actor, is_active=True, **fields).exclude(
        pk=subscription.pk
    )
    if duplicate.exists():
        raise ValidationError(_("You already have this subscription."))
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.save()
    return subscription


@transaction.atomic
def unsubscribe(*, subscription: Subscription, actor: Any) -> None:
    """Remove one of one's own subscriptions. Messages already queued are still sent."""
    _check_owner(subscription, actor)
    subscription.delete()


def _check_owner(subscription: Subscription, actor: Any) -> None:
    if subscription.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("This is not your subscription."))


# --- queueing ---------------------------------------------------------------------------


@dataclass
class Enqueued:
    """What `enqueue_for` did: rows queued now, rows that were already queued, and people
    whose subscription matched but who may not see the object (nothing queued for them)."""

    created: list[OutboxMessage] = field(default_factory=list)
    already_queued: int = 0
    not_permitted: int = 0


def stricter_tlp(*marks: str) -> str:
    return max(marks, key=TLP_ORDER.index)


def matching_subscriptions(
    *,
    kind: str,
    region: str | None,
    countries: Iterable[str],
    severity: str | None,
) -> list[Subscription]:
    """Active subscriptions of active people that ask for this kind about this place.

    A subscription to a region matches when the object names that region or a country that
    is a member of it today; one to a country matches when the object names that country.
    Severity filters only what has one (alerts); products have none and pass.
    """
    countries = {code.upper() for code in countries}
    regions = {region.upper()} if region else set()
    if countries:
        today = timezone.now().date()
        regions |= set(
            RegionMembership.objects.filter(country_id__in=countries)
            .filter(Q(joined__isnull=True) | Q(joined__lte=today))
            .filter(Q(left__isnull=True) | Q(left__gt=today))
            .values_list("organisation_id", flat=True)
        )
    subscriptions = Subscription.objects.filter(is_active=True, user__is_active=True).filter(
        Q(kind="") | Q(kind=kind),
        Q(region__isnull=True) | Q(region_id__in=regions),
        Q(country__isnull=True) | Q(country_id__in=countries),
    )
    if severity:
        rank = SEVERITY_RANK.get(severity.capitalize(), 0)
        allowed = [value for value, level in SEVERITY_RANK.items() if level <= rank]
        subscriptions = subscriptions.filter(min_severity__in=allowed)
    return list(subscriptions.select_related("user").order_by("pk"))


def _may_see(obj: Model, tlp: str, user: Any) -> bool:
    """The access policy's answer for a protected record; for an unmarked object, only
    CLEAR and GREEN (every subscriber is a signed-in member) may be announced."""
    try:
        type(obj)._meta.get_field("tlp")
    except FieldDoesNotExist:
        return tlp in BODY_SAFE_TLP
    return visible(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def _absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    site = getattr(settings, "VIGIL_SITE_URL", "") or "http://127.0.0.1:8000"
    return site.rstrip("/") + "/" + url.lstrip("/")


def _pick(texts: Mapping[str, str], language: str) -> tuple[str, str]:
    """The text in `language`, else English, else any; with the language actually used."""
    for candidate in (language, Language.EN):
        if texts.get(candidate):
            return candidate, texts[candidate]
    for candidate, text in texts.items():
        if text:
            return candidate, text
    return Language.EN, ""


def compose(
    *,
    kind: str,
    tlp: str,
    link: str,
    subject: str | Mapping[str, str],
    body_by_language: Mapping[str, str],
    language: str,
) -> dict[str, str]:
    """Subject, text and HTML bodies for one reader. Content marked AMBER, AMBER+STRICT or RED
    never enters an email: the reader gets a neutral notice (no subject, no place names) and
    the link to the page behind the sign-in."""
    restricted = tlp not in BODY_SAFE_TLP
    if restricted:
        used = language if language in Language.values else Language.EN
        text = ""
    else:
        used, text = _pick(body_by_language, language)
    if isinstance(subject, Mapping):
        title = subject.get(used) or subject.get(Language.EN) or next(iter(subject.values()), "")
    else:
        title = subject
    manage_url = _absolute(reverse("dissemination:list"))
    with translation.override(used):
        kind_label = str(Kind(kind).label) if kind in Kind.values else kind
        if restricted:
            title = _("New %(kind)s on Vigil") % {"kind": kind_label}
            notice = _(
                "A new %(kind)s marked TLP:%(tlp)s is available on Vigil. Its content is not "
                "sent by email; sign in to read it."
            ) % {"kind": kind_label, "tlp": tlp}
        else:
            notice = ""
        context = {
            "kind": kind_label,
            "tlp": tlp,
            "text": text,
            "notice": notice,
            "link": link,
            "manage_url": manage_url,
            "language": used,
            "rtl": used == Language.AR,
        }
        body_text = render_to_string("dissemination/email/message.txt", context)
        body_html = render_to_string("dissemination/email/message.html", context)
    return {
        "subject": f"[TLP:{tlp}] {title}"[:255],
        "body_text": body_text,
        "body_html": body_html,
        "language": used,
    }


def dedupe_key_for(*, kind: str, obj: Model, revision: str, user_id: int) -> str:
    """One message per person per (kind, object, revision)."""
    label = obj._meta.label_lower
    return f"{kind}:{label}:{obj.pk}:{revision}:{user_id}"


def message_id_for(dedupe_key: str) -> str:
    """A stable RFC 5322 Message-ID derived from the row's dedupe key: queueing the same thing
    again, or sending the row again, always gives the same id."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    return f"<vigil.{digest}@{message_id_domain()}>"


@transaction.atomic
def enqueue_message(
    *,
    recipient: Any,
    kind: str,
    obj: Model | None,
    dedupe_key: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    link: str = "",
    language: str = Language.EN,
    tlp: str = TLP.CLEAR,
) -> tuple[OutboxMessage, bool]:
    """Queue one already-written message; (row, created). The same key gives the same row.
    Callers that write their own bodies must keep AMBER/RED content out of them."""
    if not recipient.email:
        raise ValidationError({"recipient": _("This person has no email address.")})
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing:
        return existing, False
    message = OutboxMessage(
        recipient=recipient,
        to_address=recipient.email,
        kind=kind,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        link=link,
        language=language,
        tlp=tlp,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        dedupe_key=dedupe_key,
        message_id=message_id_for(dedupe_key),
        priority=PRIORITY.get(kind, DEFAULT_PRIORITY),
    )
    return _insert_once(message)


def _insert_once(message: OutboxMessage) -> tuple[OutboxMessage, bool]:
    """Insert, or return the row a concurrent call inserted first (the unique key decides)."""
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return OutboxMessage.objects.get(dedupe_key=message.dedupe_key), False
    return message, True


@transaction.atomic
def enqueue_for(
    kind: str,
    obj: Model,
    *,
    region: str | None,
    countries: Iterable[str],
    severity: str | None,
    tlp: str,
    url: str,
    subject: str | Mapping[str, str],
    body_by_language: Mapping[str, str],
    revision: str = "",
) -> Enqueued:
    """Queue one message per subscriber who asked for this and may see it.

    `obj` is what the message is about (an alert, a product); each subscriber must be allowed
    to see it by the access policy. `tlp` is its mark (if `obj` has its own, the stricter of
    the two counts). `body_by_language` maps en/fr/pt/ar to plain text; a reader gets their
    subscription's language or English. `revision` separates messages about the same object
    that must each go out (an alert's update, a cancellation); a repeated call with the same
    revision queues nothing new.
    """
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind of product.")})
    if obj.pk is None:
        raise ValidationError(_("Save the object before announcing it."))
    mark = stricter_tlp(tlp, getattr(obj, "tlp", TLP.CLEAR))
    link = _absolute(url)
    result = Enqueued()
    seen: set[int] = set()
    for subscription in matching_subscriptions(
        kind=kind, region=region, countries=countries, severity=severity
    ):
        user = subscription.user
        if user.pk in seen or not user.email:
            continue
        seen.add(user.pk)  # the oldest matching subscription decides the language
        if not _may_see(obj, mark, user):
            result.not_permitted += 1
            continue
        key = dedupe_key_for(kind=kind, obj=obj, revision=revision, user_id=user.pk)
        if OutboxMessage.objects.filter(dedupe_key=key).exists():
            result.already_queued += 1
            continue
        parts = compose(
            kind=kind,
            tlp=mark,
            link=link,
            subject=subject,
            body_by_language=body_by_language,
            language=subscription.language,
        )
        message, created = enqueue_message(
            recipient=user,
            kind=kind,
            obj=obj,
            dedupe_key=key,
            link=link,
            tlp=mark,
            **parts,
        )
        if created:
            result.created.append(message)
        else:
            result.already_queued += 1
    return result


@transaction.atomic
def requeue_failed(*, messages: Iterable[OutboxMessage], actor: Any) -> int:
    """Give failed messages a fresh set of attempts (an admin's decision after fixing the
    cause). Only `failed` rows move; their history stays."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("Only administrators re-queue messages."))
    from vigil.dissemination.choices import AttemptOutcome, MessageStatus
    from vigil.dissemination.models import DeliveryAttempt

    count = 0
    now = timezone.now()
    for message in messages:
        moved = OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.FAILED).update(
            status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, updated_at=now
        )
        if moved:
            DeliveryAttempt.objects.create(
                message_id=message.pk,
                number=0,
                worker="",
                outcome=AttemptOutcome.RETRY,
                detail=f"Queued again by {actor.get_username()}",
                at=now,
            )
        count += moved
    return count
