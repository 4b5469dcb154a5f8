"""Writes on organisations, their registry profile and their agreements. Each is atomic,
names the domain verb and takes the acting person. Accreditation lives in `accreditation.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.choices import AgreementKind, ContactRole, OrganisationKind, Presence, Role, Theme
from vigil.actors.models import (
    Agreement,
    AgreementReminder,
    ApiToken,
    AreaMandate,
    Capacity,
    Contact,
    Membership,
    Organisation,
    OrganisationLanguage,
    ThematicMandate,
)
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisation_ids, organisations_with_role

REMINDER_DAYS = (90, 30, 7)
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# PDF, or an office document (DOCX/ODT are zip containers); the first bytes must say so.
DOCUMENT_SIGNATURES = (b"%PDF-", b"PK\x03\x04")

# Publishers of the public datasets Vigil imports; they own the rows they publish.
DATA_PUBLISHERS: dict[str, str] = {
    "ucdp": "Uppsala Conflict Data Program (UCDP)",
    "acled": "Armed Conflict Location & Event Data (ACLED)",
    "gdelt": "The GDELT Project",
}


@transaction.atomic
def ensure_data_publisher(*, slug: str) -> Organisation:
    """The organisation that owns a public dataset's events, created the first time it is used."""
    name = DATA_PUBLISHERS.get(slug, slug)
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": OrganisationKind.DATA_PUBLISHER}
    )
    return organisation


@transaction.atomic
def issue_api_token(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for `user`. The key is returned once and never stored in clear."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:8], key_hash=hash_api_key(key)
    )
    return token, key


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- Who may edit what -------------------------------------------------------------------


def can_edit_profile(user: Any, organisation: Organisation) -> bool:
    """An organisation's own admins keep its registry entry; platform admins may too."""
    if getattr(user, "is_superuser", False):
        return True
    return organisation.pk in organisations_with_role(user, [Role.ORG_ADMIN])


def _require_editor(user: Any, organisation: Organisation) -> None:
    if not can_edit_profile(user, organisation):
        raise PermissionDenied(_("Only the organisation's admins edit its registry entry."))


def validate_document(upload: UploadedFile) -> None:
    """Refuse uploads that are too large or are not PDF/office documents."""
    if upload.size and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"document": _("A document may be at most 20 MB.")})
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(DOCUMENT_SIGNATURES):
        raise ValidationError({"document": _("Upload a PDF, DOCX or ODT document.")})


# --- Registry profile --------------------------------------------------------------------


@transaction.atomic
def update_registry_profile(
    *,
    organisation: Organisation,
    actor: Any,
    themes: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
    description: str | None = None,
    website: str | None = None,
) -> Organisation:
    """Replace an organisation's thematic mandates and languages (None leaves one as is)."""
    _require_editor(actor, organisation)
    if themes is not None:
        wanted = set(themes)
        unknown = wanted - set(Theme.values)
        if unknown:
            raise ValidationError({"themes": _("Unknown themes: %s") % ", ".join(sorted(unknown))})
        organisation.thematic_mandates.exclude(theme__in=wanted).delete()
        for theme in sorted(wanted):
            ThematicMandate.objects.get_or_create(organisation=organisation, theme=theme)
    if languages is not None:
        codes = {code.strip().lower() for code in languages if code.strip()}
        if any(len(code) not in (2, 3) or not code.isalpha() for code in codes):
            raise ValidationError({"languages": _("Use ISO 639 codes such as en, fr, ha.")})
        organisation.languages.exclude(code__in=codes).delete()
        for code in sorted(codes):
            OrganisationLanguage.objects.get_or_create(organisation=organisation, code=code)
    fields = []
    if description is not None:
        organisation.description = description
        fields.append("description")
    if website is not None:
        organisation.website = website
        fields.append("website")
    if fields:
        organisation.save(update_fields=fields)
    return organisation


@transaction.atomic
def add_area_mandate(
    *,
    organisation: Organisation,
    actor: Any,
    country_id: str,
    admin_area_id: int | None = None,
    presence: str = Presence.MANDATE,
) -> AreaMandate:
    """Record that an organisation covers a country or admin area (or update its presence)."""
    _require_editor(actor, organisation)
    from vigil.geo.models import AdminArea

    if (
        admin_area_id is not None
        and not AdminArea.objects.filter(pk=admin_area_id, country_id=country_id).exists()
    ):
        raise ValidationError({"admin_area": _("This area is not in that country.")})
    mandate, _created = AreaMandate.objects.update_or_create(
        organisation=organisation,
        country_id=country_id,
        admin_area_id=admin_area_id,
        defaults={"presence": presence},
    )
    return mandate


@transaction.atomic
def set_capacity(
    *,
    organisation: Organisation,
    actor: Any,
    theme: str,
    level: int,
    staff: int | None = None,
    description: str = "",
) -> Capacity:
    """State what an organisation can bring to one kind of response."""
    _require_editor(actor, organisation)
    capacity, _created = Capacity.objects.update_or_create(
        organisation=organisation,
        theme=theme,
        defaults={"level": level, "staff": staff, "description": description},
    )
    return capacity


@transaction.atomic
def add_contact(
    *,
    organisation: Organisation,
    actor: Any,
    name: str,
    role: str = ContactRole.FOCAL_POINT,
    title: str = "",
    portfolio: str = "",
    email: str = "",
    phone: str = "",
    user: Any = None,
    tlp: str = TLP.GREEN,
) -> Contact:
    """Register a contact person. Champions are people inside a regional organisation."""
    _require_editor(actor, organisation)
    if role == ContactRole.CHAMPION and organisation.kind != OrganisationKind.REGIONAL_ORGANISATION:
        raise ValidationError({"role": _("Champions are people inside a regional organisation.")})
    return Contact.objects.create(
        organisation=organisation,
        owner_org=organisation,
        name=name,
        role=role,
        title=title,
        portfolio=portfolio,
        email=email,
        phone=phone,
        user=user,
        tlp=tlp,
    )


# --- Agreements and their reminders ------------------------------------------------------


@transaction.atomic
def record_agreement(
    *,
    actor: Any,
    owner_org: Organisation,
    kind: str,
    title: str,
    parties: Sequence[Organisation],
    signed_on: dt.date,
    expires_on: dt.date | None = None,
    scope: str = "",
    themes: Iterable[str] = (),
    document: UploadedFile | None = None,
    tlp: str = TLP.GREEN,
) -> Agreement:
    """Register an agreement between organisations; the recording organisation is a party."""
    if not (getattr(actor, "is_superuser", False) or owner_org.pk in organisation_ids(actor)):
        raise PermissionDenied(_("Record agreements for your own organisation."))
    errors: dict[str, str] = {}
    if kind not in AgreementKind.values:
        errors["kind"] = _("Unknown kind of agreement.")
    party_ids = {party.pk for party in parties} | {owner_org.pk}
    if len(party_ids) < 2:
        errors["parties"] = _("An agreement has at least two parties.")
    if expires_on is not None and expires_on <= signed_on:
        errors["expires_on"] = _("An agreement expires after it is signed.")
    if not title.strip():
        errors["title"] = _("Give the agreement a title.")
    themes = list(themes)
    if set(themes) - set(Theme.values):
        errors["themes"] = _("Unknown theme.")
    if errors:
        raise ValidationError(errors)
    if document is not None:
        validate_document(document)
    agreement = Agreement.objects.create(
        owner_org=owner_org,
        tlp=tlp,
        kind=kind,
        title=title.strip(),
        signed_on=signed_on,
        expires_on=expires_on,
        scope=scope,
        themes=themes,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    agreement.parties.set(party_ids)
    if document is not None:
        agreement.document.save(document.name, document, save=True)
    return agreement


@transaction.atomic
def due_agreement_reminders(
    today: dt.date, days: Sequence[int] = REMINDER_DAYS
) -> list[AgreementReminder]:
    """Raise the reminders due on `today` and return the new rows.

    An agreement `d` days or less from expiry (and not yet expired) is due the reminder for
    the smallest such `d`. Running this twice on the same day, or catching up after days
    without a run, never raises a reminder twice nor a longer-range one after a nearer one:
    each is a row, unique per agreement, expiry date and lead time. A renewed agreement (a
    new expiry date) gets its own reminders.
    """
    lead_times = sorted({int(d) for d in days})
    if not lead_times:
        return []
    horizon = today + dt.timedelta(days=lead_times[-1])
    candidates = Agreement.objects.filter(expires_on__gt=today, expires_on__lte=horizon)
    created: list[AgreementReminder] = []
    for agreement in candidates.prefetch_related("reminders"):
        remaining = (agreement.expires_on - today).days
        due = min(d for d in lead_times if d >= remaining)
        raised = {
            r.days_before for r in agreement.reminders.all() if r.expires_on == agreement.expires_on
        }
        if any(d <= due for d in raised):
            continue
        try:
            with transaction.atomic():
                created.append(
                    AgreementReminder.objects.create(
                        agreement=agreement,
                        expires_on=agreement.expires_on,
                        days_before=due,
                        due_on=agreement.expires_on - dt.timedelta(days=due),
                    )
                )
        except IntegrityError:
            continue  # raised meanwhile by a concurrent run
    return created


def reminder_recipients(agreement: Agreement) -> list[str]:
    """E-mail addresses of the parties' focal points and of the recording organisation's
    admins: the people who must decide whether to renew."""
    party_ids = list(agreement.parties.values_list("pk", flat=True))
    contacts = Contact.objects.filter(
        organisation_id__in=party_ids, role=ContactRole.FOCAL_POINT
    ).exclude(email="")
    admins = Membership.objects.filter(
        organisation_id=agreement.owner_org_id, role=Role.ORG_ADMIN, is_active=True
    ).exclude(user__email="")
    addresses = set(contacts.values_list("email", flat=True))
    addresses |= set(admins.values_list("user__email", flat=True))
    return sorted(addresses)


def send_agreement_reminders(*, now: dt.datetime | None = None) -> int:
    """E-mail every reminder not yet sent; each is claimed by compare-and-set first, so two
    workers never send the same reminder. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for reminder in AgreementReminder.objects.filter(notified_at__isnull=True).select_related(
        "agreement"
    ):
        claimed = AgreementReminder.objects.filter(pk=reminder.pk, notified_at=None).update(
            notified_at=now
        )
        if not claimed:
            continue
        recipients = reminder_recipients(reminder.agreement)
        if recipients:
            try:
                _email_reminder(reminder, recipients)
            except Exception:
                # Release the claim so the next run retries; the failure stays visible.
                AgreementReminder.objects.filter(pk=reminder.pk).update(notified_at=None)
                raise
        sent += 1
    return sent


def _email_reminder(reminder: AgreementReminder, recipients: list[str]) -> None:
    agreement = reminder.agreement
    send_mail(
        subject=_("Agreement expires on %(date)s: %(title)s")
        % {"date": agreement.expires_on.isoformat(), "title": agreement.title},
        message=_(
            'The %(kind)s "%(title)s" expires on %(date)s (in %(days)s days or '
            "fewer). Decide whether to renew it."
        )
        % {
            "kind": agreement.get_kind_display(),
            "title": agreement.title,
            "date": agreement.expires_on.isoformat(),
            "days": reminder.days_before,
        },
        from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
        recipient_list=recipients,
    )
