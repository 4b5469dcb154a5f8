"""Reads of the registry and of accreditation, each through the access policy in `sharing/`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vigil.actors import placement
from vigil.actors.accreditation import standing_verdicts
from vigil.actors.choices import (
    ACCREDITABLE_KINDS,
    ApplicationStatus,
    ContactRole,
    OrganisationKind,
    Presence,
    Theme,
)
from vigil.actors.models import (
    AccreditationApplication,
    AccreditationScheme,
    Agreement,
    AreaMandate,
    Contact,
    Organisation,
    Registration,
)
from vigil.geo.models import AdminArea, RegionalOrganisation
from vigil.sharing import privileges as privilege_rules
from vigil.sharing.policy import organisation_ids, visible
from vigil.sharing.privileges import (
    HeldPrivileges,
    applications_visible,
    focal_point_countries,
    in_force_q,
    member_state_codes,
)


def holds_privilege(
    organisation: Any, regional_organisation_code: str, privilege: str, on: dt.date | None = None
) -> bool:
    """Whether `organisation` (an Organisation or its pk) holds `privilege` (a `Privilege`
    value) with the regional organisation on `on` (default today). Lapses on expiry."""
    return privilege_rules.holds_privilege(organisation, regional_organisation_code, privilege, on)


def privileges_of(organisation: Any, on: dt.date | None = None) -> list[HeldPrivileges]:
    """The privileges `organisation` holds on `on`, one entry per regional organisation."""
    return privilege_rules.privileges_of(organisation, on)


# --- Registry ----------------------------------------------------------------------------

# Kinds that are not actors of a response (they publish data or run the platform).
NON_RESPONDER_KINDS = (OrganisationKind.DATA_PUBLISHER, OrganisationKind.PLATFORM)


@dataclass(frozen=True)
class RegistryFilters:
    """The registry's search: free text, kind, theme, country covered, language."""

    q: str = ""
    kind: str = ""
    theme: str = ""
    country: str = ""
    language: str = ""


def registry(filters: RegistryFilters | None = None) -> QuerySet[Organisation]:
    """Organisations in the registry. Profiles (mandates, areas, capacities, languages) are
    public; contacts and agreements are not, and are read through their own selectors."""
    filters = filters or RegistryFilters()
    organisations = Organisation.objects.exclude(kind__in=NON_RESPONDER_KINDS)
    if filters.q:
        organisations = organisations.filter(
            Q(name__icontains=filters.q)
            | Q(acronym__icontains=filters.q)
            | Q(slug__icontains=filters.q)
        )
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.theme:
        organisations = organisations.filter(thematic_mandates__theme=filters.theme)
    if filters.country:
        organisations = organisations.filter(
            Q(area_mandates__country_id=filters.country) | Q(country_id=filters.country)
        )
    if filters.language:
        organisations = organisations.filter(languages__code=filters.language.lower())
    return (
        organisations.distinct()
        .select_related("country", "regional_organisation")
        .prefetch_related(
            "thematic_mandates",
            "languages",
            "capacities",
            Prefetch(
                "area_mandates",
                queryset=AreaMandate.objects.select_related("country", "admin_area"),
            ),
        )
        .order_by("name")
    )


def organisation_for(slug: str) -> Organisation:
    """One registry entry, or 404."""
    organisation = registry().filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


def contacts_visible_to(user: Any, organisation: Organisation | None = None) -> QuerySet[Contact]:
    """Contact persons `user` may see (their TLP mark decides)."""
    contacts = visible(Contact.objects.select_related("organisation"), user)
    if organisation is not None:
        contacts = contacts.filter(organisation=organisation)
    return contacts


def champions_visible_to(user: Any) -> QuerySet[Contact]:
    """Champions inside regional organisations that `user` may see."""
    return contacts_visible_to(user).filter(role=ContactRole.CHAMPION)


def agreements_visible_to(
    user: Any,
    *,
    organisation: Organisation | None = None,
    kind: str = "",
    expiring_within: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Agreement]:
    """Agreements `user` may see, optionally those of one party or expiring soon."""
    today = today or timezone.localdate()
    agreements = visible(Agreement.objects.all(), user).prefetch_related("parties")
    if organisation is not None:
        agreements = agreements.filter(parties=organisation)
    if kind:
        agreements = agreements.filter(kind=kind)
    if expiring_within is not None:
        agreements = agreements.filter(
            expires_on__gt=today, expires_on__lte=today + dt.timedelta(days=expiring_within)
        )
    return agreements.distinct().order_by(F("expires_on").asc(nulls_last=True), "title")


def agreement_for(user: Any, pk: int) -> Agreement:
    """One agreement `user` may see; missing and forbidden are the same 404."""
    agreement = agreements_visible_to(user).filter(pk=pk).first()
    if agreement is None:
        raise Http404("No such agreement.")
    return agreement


# --- Who is best placed ------------------------------------------------------------------


@dataclass(frozen=True)
class BestPlaced:
    """A ranking with what it was computed for."""

    request: placement.Request
    theme_label: str
    placements: list[placement.Placement]
    track_records_available: bool
    area_label: str
    organisations: dict[int, Organisation]


def track_records_of(
    organisation_ids: list[int], reader: Any
) -> tuple[bool, dict[int, placement.Record]]:
    """Track records from the response loop, counted over the alerts `reader` may see: a
    count of actions on an AMBER alert says something about that alert too."""
    from vigil.responses.selectors import track_records

    return True, {
        org_id: placement.record_from(value)
        for org_id, value in track_records(organisation_ids, user=reader).items()
    }


def _standings(organisation: Organisation) -> tuple[placement.AreaStanding, ...]:
    """Where an organisation stands; its home country counts as an office there."""
    standings = [
        placement.AreaStanding(a.country_id, a.admin_area_id, a.presence)
        for a in organisation.area_mandates.all()
    ]
    if organisation.country_id and organisation.kind != OrganisationKind.MEMBER_STATE:
        standings.append(placement.AreaStanding(organisation.country_id, None, Presence.OFFICE))
    return tuple(standings)


def _area_chain(admin_area: AdminArea | None) -> tuple[int, ...]:
    chain: list[int] = []
    while admin_area is not None and len(chain) < 5:
        chain.append(admin_area.pk)
        admin_area = admin_area.parent
    return tuple(chain)


def best_placed(
    *,
    reader: Any,
    theme: str,
    countries: list[str],
    admin_area_id: int | None = None,
    languages: list[str] | None = None,
    today: dt.date | None = None,
    limit: int = 25,
) -> BestPlaced:
    """Rank organisations for a kind of response (`theme`) in an area, with explanations."""
    today = today or timezone.localdate()
    admin_area = (
        AdminArea.objects.select_related("parent__parent").filter(pk=admin_area_id).first()
        if admin_area_id
        else None
    )
    if admin_area is not None and admin_area.country_id not in countries:
        countries = [*countries, admin_area.country_id]
    request = placement.Request(
        theme=theme,
        countries=tuple(countries),
        admin_areas=_area_chain(admin_area),
        languages=tuple(code.strip().lower() for code in (languages or []) if code.strip()),
    )
    regional = {
        code: set(member_state_codes(code, today))
        for code in RegionalOrganisation.objects.filter(
            memberships__country_id__in=countries
        ).values_list("code", flat=True)
    }
    # Candidates: mandated for the theme, or present in the area, or a RIGO covering it.
    organisations = list(
        registry()
        .filter(
            Q(thematic_mandates__theme=theme)
            | Q(area_mandates__country_id__in=countries)
            | Q(country_id__in=countries)
            | Q(regional_organisation_id__in=list(regional))
        )
        .distinct()
    )
    available, records = track_records_of([o.pk for o in organisations], reader)
    candidates = [
        placement.Candidate(
            organisation_id=o.pk,
            name=o.name,
            themes=frozenset(m.theme for m in o.thematic_mandates.all()),
            areas=_standings(o),
            capacity_level=next((c.level for c in o.capacities.all() if c.theme == theme), None),
            languages=frozenset(language.code for language in o.languages.all()),
            regional_countries=frozenset(regional.get(o.regional_organisation_id or "", set())),
            record=records.get(o.pk),
        )
        for o in organisations
    ]
    theme_label = str(Theme(theme).label)
    ranked = placement.rank(
        candidates, request, theme_label=theme_label, track_records_available=available
    )[:limit]
    area_label = str(admin_area) if admin_area else ", ".join(countries)
    return BestPlaced(
        request, theme_label, ranked, available, area_label, {o.pk: o for o in organisations}
    )


def alert_area(user: Any, alert_id: int) -> tuple[list[str], str]:
    """The countries an alert `user` may see concerns, and its headline; 404 otherwise."""
    from vigil.alerts.models import Alert

    alert = (
        visible(Alert.objects.all(), user).filter(pk=alert_id).prefetch_related("countries").first()
    )
    if alert is None:
        raise Http404("No such alert.")
    countries = [c.iso3 for c in alert.countries.all()]
    if not countries:
        for area in alert.areas.all():
            countries += [
                g.get("value", "").upper()
                for g in area.geocodes
                if str(g.get("valueName", "")).upper() in ("ISO3", "ISO3166-1", "ISO 3166-1")
            ]
    return sorted(set(countries)), alert.event


# --- Accreditation -----------------------------------------------------------------------


def schemes() -> QuerySet[AccreditationScheme]:
    """Every regional organisation's accreditation scheme (public configuration)."""
    return AccreditationScheme.objects.select_related("regional_organisation")


def scheme_for(code: str) -> AccreditationScheme:
    scheme = schemes().filter(regional_organisation_id=code).first()
    if scheme is None:
        raise Http404("No accreditation scheme for this regional organisation.")
    return scheme


def applications_visible_to(user: Any) -> QuerySet[AccreditationApplication]:
    """Applications `user` may read: the applicant, the reviewing focal points, the RIGO."""
    return applications_visible(
        AccreditationApplication.objects.select_related(
            "scheme__regional_organisation", "applicant", "registration"
        ),
        user,
    )


def application_for(user: Any, pk: int) -> AccreditationApplication:
    """One application `user` may read; missing and forbidden are the same 404."""
    application = (
        applications_visible_to(user)
        .prefetch_related("funding_sources", "documents", "steps__actor", "reviews__reviewer")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404("No such application.")
    return application


def applications_of(user: Any) -> QuerySet[AccreditationApplication]:
    """The applications filed by the organisations `user` belongs to."""
    return applications_visible_to(user).filter(applicant_id__in=organisation_ids(user))


@dataclass(frozen=True)
class QueueItem:
    """An application awaiting (or holding) one member state's review."""

    application: AccreditationApplication
    country: str
    standing_verdict: str | None
    days_left: int


def review_queue(user: Any, *, today: dt.date | None = None) -> list[QueueItem]:
    """Applications under review by the member states `user` is a focal point for; those
    not yet reviewed first, then by deadline."""
    today = today or timezone.localdate()
    countries = focal_point_countries(user)
    items = []
    open_applications = (
        applications_visible_to(user)
        .filter(status=ApplicationStatus.SUBMITTED)
        .prefetch_related("reviews")
    )
    for application in open_applications:
        verdicts = standing_verdicts(application)
        for country in countries:
            if country in application.member_states:
                items.append(
                    QueueItem(
                        application,
                        country,
                        verdicts.get(country),
                        (application.review_deadline - today).days,
                    )
                )
    items.sort(key=lambda i: (i.standing_verdict is not None, i.days_left, i.application.pk))
    return items


def registrations(
    *, regional_organisation: str = "", on: dt.date | None = None
) -> QuerySet[Registration]:
    """Registrations in force on `on`: the public list of accredited CSOs."""
    on = on or timezone.localdate()
    rows = Registration.objects.filter(in_force_q(on)).select_related(
        "organisation", "regional_organisation"
    )
    if regional_organisation:
        rows = rows.filter(regional_organisation_id=regional_organisation)
    return rows.order_by("regional_organisation_id", "organisation__name")


def organisations_of(user: Any) -> QuerySet[Organisation]:
    """The organisations `user` acts for (active memberships), by name."""
    return Organisation.objects.filter(pk__in=organisation_ids(user)).order_by("name")


def applicant_organisations(user: Any) -> QuerySet[Organisation]:
    """The CSOs `user` may apply for."""
    return Organisation.objects.filter(
        pk__in=organisation_ids(user), kind__in=list(ACCREDITABLE_KINDS)
    )


def registry_rows(filters: RegistryFilters | None = None) -> list[dict[str, str]]:
    """One flat row per organisation, for the CSV export."""
    rows = []
    for o in registry(filters):
        rows.append(
            {
                "name": o.name,
                "code": o.slug,
                "acronym": o.acronym,
                "kind": o.kind,
                "country": o.country_id or "",
                "themes": " ".join(m.theme for m in o.thematic_mandates.all()),
                "areas": " ".join(
                    sorted(
                        {
                            f"{a.country_id}"
                            + (
                                f":{a.admin_area.pcode or a.admin_area.name}"
                                if a.admin_area
                                else ""
                            )
                            for a in o.area_mandates.all()
                        }
                    )
                ),
                "languages": " ".join(lang.code for lang in o.languages.all()),
                "website": o.website,
            }
        )
    return rows
