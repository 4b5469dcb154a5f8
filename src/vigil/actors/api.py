"""`/api/v1/actors`: the registry, agreements, who is best placed, and accreditation.

Profiles and the list of accredited CSOs are public; contacts and agreements answer by
their TLP mark; applications only to the applicant, the reviewing focal points and the
regional organisation. Handlers parse, call one selector or service, and return.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from vigil.actors import accreditation, selectors, services
from vigil.actors.choices import AgreementKind, OrganisationKind, Theme, Verdict
from vigil.inputs import (
    Day,
    DbId,
    FormInput,
    Input,
    Iso3OrBlank,
    LanguageOrBlank,
    LanguagesOrBlank,
    RegionOrBlank,
    Slug,
    SlugOrBlank,
)
from vigil.openapi import problems
from vigil.sharing.choices import TLP, Surface
from vigil.sharing.policy import record_reads

router = Router(tags=["actors"])

ThemeCode = Literal[tuple(Theme.values)]  # type: ignore[valid-type]
KindCode = Literal[tuple(OrganisationKind.values)]  # type: ignore[valid-type]
AgreementCode = Literal[tuple(AgreementKind.values)]  # type: ignore[valid-type]
VerdictCode = Literal[tuple(Verdict.values)]  # type: ignore[valid-type]
TlpMark = Literal[tuple(TLP.values)]  # type: ignore[valid-type]


# --- Registry ----------------------------------------------------------------------------


class OrganisationAreaOut(Schema):
    country: str = Field(alias="country_id")
    admin_area: int | None = Field(None, alias="admin_area_id")
    presence: str


class CapacityOut(Schema):
    theme: str
    level: int
    staff: int | None
    description: str


class OrganisationOut(Schema):
    slug: str
    name: str
    acronym: str
    kind: str
    country: str | None = Field(None, alias="country_id")
    regional_organisation: str | None = Field(None, alias="regional_organisation_id")
    website: str
    themes: list[str]
    languages: list[str]
    areas: list[OrganisationAreaOut]
    capacities: list[CapacityOut]

    @staticmethod
    def resolve_themes(obj) -> list[str]:
        return [m.theme for m in obj.thematic_mandates.all()]

    @staticmethod
    def resolve_languages(obj) -> list[str]:
        return [language.code for language in obj.languages.all()]

    @staticmethod
    def resolve_areas(obj) -> list:
        return list(obj.area_mandates.all())

    @staticmethod
    def resolve_capacities(obj) -> list:
        return list(obj.capacities.all())


class ContactOut(Schema):
    name: str
    role: str
    title: str
    portfolio: str
    email: str
    phone: str
    tlp: str


class PrivilegesOut(Schema):
    regional_organisation: str
    attend_meetings: bool
    submit_written_input: bool
    written_input_word_limit: int | None
    read_draft_documents: bool
    products_tlp: str
    granted_on: Day
    expires_on: Day


class OrganisationDetailOut(OrganisationOut):
    description: str
    contacts: list[ContactOut]
    privileges: list[PrivilegesOut]

    @staticmethod
    def resolve_contacts(obj) -> list:
        return obj.visible_contacts

    @staticmethod
    def resolve_privileges(obj) -> list:
        return obj.held_privileges


class RegistryQuery(Schema):
    q: str = ""
    kind: KindCode | Literal[""] = ""
    theme: ThemeCode | Literal[""] = ""
    country: Iso3OrBlank = Field("", description="ISO3 of a country covered")
    language: LanguageOrBlank = ""


@router.get("/organisations", response=list[OrganisationOut], summary="The registry")
def list_organisations(request: HttpRequest, filters: Query[RegistryQuery]) -> object:
    return selectors.registry(selectors.RegistryFilters(**filters.dict()))


@router.get("/organisations/{slug}", response=OrganisationDetailOut)
def get_organisation(request: HttpRequest, slug: Slug) -> object:
    organisation = selectors.organisation_for(slug)
    contacts = list(selectors.contacts_visible_to(request.user, organisation))
    record_reads(contacts, request.user, surface=Surface.API)
    organisation.visible_contacts = contacts
    organisation.held_privileges = selectors.privileges_of(organisation)
    return organisation


class AgreementOut(Schema):
    id: int
    kind: str
    title: str
    parties: list[str]
    signed_on: Day
    expires_on: Day | None
    scope: str
    themes: list[str]
    has_document: bool
    owner_org: str
    tlp: str

    @staticmethod
    def resolve_parties(obj) -> list[str]:
        return [party.slug for party in obj.parties.all()]

    @staticmethod
    def resolve_has_document(obj) -> bool:
        return bool(obj.document)

    @staticmethod
    def resolve_owner_org(obj) -> str:
        return obj.owner_org.slug


class AgreementQuery(Schema):
    kind: AgreementCode | Literal[""] = ""
    organisation: SlugOrBlank = Field("", description="Slug of a party")
    expiring_within: int | None = Field(None, ge=1, le=3650, description="Days")


@router.get(
    "/agreements",
    response=list[AgreementOut],
    summary="Agreements you may see",
    openapi_extra=problems(404),
)
def list_agreements(request: HttpRequest, filters: Query[AgreementQuery]) -> object:
    organisation = (
        selectors.organisation_for(filters.organisation) if filters.organisation else None
    )
    agreements = list(
        selectors.agreements_visible_to(
            request.user,
            organisation=organisation,
            kind=filters.kind,
            expiring_within=filters.expiring_within,
        ).select_related("owner_org")
    )
    record_reads(agreements, request.user, surface=Surface.API)
    return agreements


class AgreementIn(Input):
    owner_org: str = Field(description="Slug of your organisation recording it")
    kind: AgreementCode
    title: str = Field(min_length=1, max_length=300)
    parties: list[str] = Field(description="Slugs of the other parties")
    signed_on: Day
    expires_on: Day | None = None
    scope: str = Field("", max_length=20_000)
    themes: list[ThemeCode] = []
    tlp: TlpMark = TLP.GREEN


@router.post("/agreements", response={201: AgreementOut}, auth=django_auth)
def record_agreement(request: HttpRequest, payload: AgreementIn) -> object:
    owner = selectors.organisations_of(request.user).filter(slug=payload.owner_org).first()
    if owner is None:
        raise ValidationError({"owner_org": "You do not act for an organisation with this slug."})
    parties = list(selectors.registry().filter(slug__in=payload.parties))
    if len(parties) != len(set(payload.parties)):
        raise ValidationError({"parties": "Unknown organisation among the parties."})
    agreement = services.record_agreement(
        actor=request.user,
        owner_org=owner,
        **payload.dict(exclude={"owner_org", "parties"}),
        parties=parties,
    )
    return Status(201, agreement)


# --- Who is best placed ------------------------------------------------------------------


class BestPlacedQuery(Schema):
    theme: ThemeCode
    country: Iso3OrBlank = ""
    admin_area: DbId | None = None
    alert: DbId | None = None
    languages: LanguagesOrBlank = ""


class ComponentOut(Schema):
    name: str
    weight: float
    score: float | None
    explanation: str


class PlacementOut(Schema):
    organisation: str
    name: str
    score: float
    components: list[ComponentOut]


class BestPlacedOut(Schema):
    theme: str
    countries: list[str]
    admin_areas: list[int]
    languages: list[str]
    track_records_available: bool
    ranking: list[PlacementOut]


@router.get(
    "/best-placed",
    response=BestPlacedOut,
    summary="Who is best placed, explained",
    openapi_extra=problems(404),
)
def best_placed(request: HttpRequest, query: Query[BestPlacedQuery]) -> object:
    countries = [query.country.upper()] if query.country else []
    if query.alert:
        countries = sorted({*countries, *selectors.alert_area(request.user, query.alert)[0]})
    if not countries and not query.admin_area:
        raise ValidationError({"country": "Give a country, an admin area or an alert."})
    result = selectors.best_placed(
        reader=request.user,
        theme=query.theme,
        countries=countries,
        admin_area_id=query.admin_area,
        languages=query.languages.split(","),
    )
    return {
        "theme": query.theme,
        "countries": list(result.request.countries),
        "admin_areas": list(result.request.admin_areas),
        "languages": list(result.request.languages),
        "track_records_available": result.track_records_available,
        "ranking": [
            {
                "organisation": result.organisations[p.organisation_id].slug,
                "name": p.name,
                "score": p.score,
                "components": p.components,
            }
            for p in result.placements
        ],
    }


# --- Accreditation -----------------------------------------------------------------------


class SchemeOut(Schema):
    regional_organisation: str = Field(alias="regional_organisation_id")
    is_open: bool
    min_member_funding_share: Decimal | None
    min_years_active: int | None
    require_statutes: bool
    require_governance: bool
    min_references: int
    require_registration_in_region: bool
    review_days: int
    decision_rule: str
    attend_meetings: bool
    submit_written_input: bool
    written_input_word_limit: int | None
    read_draft_documents: bool
    products_tlp: str
    validity_years: int
    renewal_window_days: int


@router.get("/schemes", response=list[SchemeOut], summary="Accreditation schemes")
def list_schemes(request: HttpRequest) -> object:
    return selectors.schemes()


class RegistrationOut(Schema):
    organisation: str
    regional_organisation: str = Field(alias="regional_organisation_id")
    granted_on: Day
    expires_on: Day

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug


@router.get(
    "/registrations", response=list[RegistrationOut], summary="CSOs accredited today (public)"
)
def list_registrations(request: HttpRequest, regional_organisation: RegionOrBlank = "") -> object:
    return selectors.registrations(regional_organisation=regional_organisation)


class EligibilityCriterionOut(Schema):
    code: str
    label: str
    required: str
    found: str
    passed: bool


class FundingOut(Schema):
    source: str
    amount: Decimal
    currency: str
    from_members: bool


class ReviewOut(Schema):
    country: str = Field(alias="country_id")
    verdict: str
    reasons: str
    on: Day


class ApplicationStepOut(Schema):
    status: str
    on: Day
    note: str


class ApplicationOut(Schema):
    id: int
    regional_organisation: str
    applicant: str
    status: str
    renewal: bool
    submitted_on: Day
    review_deadline: Day
    decided_on: Day | None
    member_states: list[str]
    eligibility: list[EligibilityCriterionOut]

    @staticmethod
    def resolve_regional_organisation(obj) -> str:
        return obj.scheme.regional_organisation_id

    @staticmethod
    def resolve_applicant(obj) -> str:
        return obj.applicant.slug

    @staticmethod
    def resolve_renewal(obj) -> bool:
        return obj.renews_id is not None


class ApplicationDetailOut(ApplicationOut):
    profile: str
    governance: str
    references: list[str]
    funding_sources: list[FundingOut]
    reviews: list[ReviewOut]
    steps: list[ApplicationStepOut]
    outcome: str

    @staticmethod
    def resolve_references(obj) -> list[str]:
        return obj.reference_list()

    @staticmethod
    def resolve_funding_sources(obj) -> list:
        return list(obj.funding_sources.all())

    @staticmethod
    def resolve_reviews(obj) -> list:
        return list(obj.reviews.all())

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())

    @staticmethod
    def resolve_outcome(obj) -> str:
        step = obj.decision_step()
        return step.note if step else ""


@router.get(
    "/applications", response=list[ApplicationOut], auth=django_auth, summary="Applications"
)
def list_applications(request: HttpRequest) -> object:
    return selectors.applications_visible_to(request.user)


@router.get("/applications/{application_id}", response=ApplicationDetailOut, auth=django_auth)
def get_application(request: HttpRequest, application_id: DbId) -> object:
    return selectors.application_for(request.user, application_id)


class ApplicationIn(FormInput):
    applicant: str = Field(description="Slug of the applying CSO")
    profile: str = Field(min_length=1, max_length=20_000)
    governance: str = Field("", max_length=20_000)
    references: str = Field("", max_length=5_000, description="One referee per line")
    founded_year: int | None = Field(None, ge=1800, le=2100)
    registration_country: str | None = Field(None, min_length=3, max_length=3)
    registration_number: str = Field("", max_length=100)
    funding: str = Field(
        "[]",
        description='JSON list of {"source", "amount", "currency", "from_members"}',
    )


class FundingIn(Input):
    source: str = Field(min_length=1, max_length=200)
    amount: Decimal = Field(ge=0)
    currency: str = Field("USD", min_length=3, max_length=3)
    from_members: bool = False


def _funding(raw: str) -> list[accreditation.Funding]:
    try:
        rows = [FundingIn(**row) for row in json.loads(raw or "[]")]
    except (ValueError, TypeError) as error:
        raise ValidationError({"funding": f"Not a JSON list of funding sources: {error}"}) from None
    return [
        accreditation.Funding(r.source, r.amount, r.from_members, r.currency.upper()) for r in rows
    ]


@router.post(
    "/schemes/{code}/applications",
    response={201: ApplicationDetailOut},
    auth=django_auth,
    summary="Apply for accreditation (multipart: fields and an optional statutes file)",
)
def apply(
    request: HttpRequest,
    code: Slug,
    payload: Form[ApplicationIn],
    statutes: UploadedFile | None = File(None),  # noqa: B008  (ninja: optional file part)
) -> object:
    applicant = (
        selectors.applicant_organisations(request.user).filter(slug=payload.applicant).first()
    )
    if applicant is None:
        raise ValidationError({"applicant": "You do not act for a CSO with this slug."})
    application = accreditation.apply_for_accreditation(
        actor=request.user,
        applicant=applicant,
        scheme=selectors.scheme_for(code),
        profile=payload.profile,
        governance=payload.governance,
        references=payload.references,
        founded_year=payload.founded_year,
        registration_country_id=(payload.registration_country or "").upper() or None,
        registration_number=payload.registration_number,
        funding=_funding(payload.funding),
        statutes=statutes,
    )
    return Status(201, selectors.application_for(request.user, application.pk))


class ReviewIn(Input):
    verdict: VerdictCode
    reasons: str = Field("", max_length=10_000)
    country: str | None = Field(None, description="ISO3; needed if you review for several")


@router.post(
    "/applications/{application_id}/reviews",
    response={201: ReviewOut},
    auth=django_auth,
    summary="A member state's review",
)
def review(request: HttpRequest, application_id: DbId, payload: ReviewIn) -> object:
    review = accreditation.review_application(
        application=selectors.application_for(request.user, application_id),
        actor=request.user,
        verdict=payload.verdict,
        reasons=payload.reasons,
        country_id=payload.country.upper() if payload.country else None,
    )
    return Status(201, review)


class QueueItemOut(Schema):
    application: int
    applicant: str
    regional_organisation: str
    country: str
    standing_verdict: str | None
    review_deadline: Day
    days_left: int


@router.get("/reviews/queue", response=list[QueueItemOut], auth=django_auth)
def review_queue(request: HttpRequest) -> object:
    return [
        {
            "application": item.application.pk,
            "applicant": item.application.applicant.slug,
            "regional_organisation": item.application.scheme.regional_organisation_id,
            "country": item.country,
            "standing_verdict": item.standing_verdict,
            "review_deadline": item.application.review_deadline,
            "days_left": item.days_left,
        }
        for item in selectors.review_queue(request.user)
    ]


@router.get("/organisations/{slug}/privileges", response=list[PrivilegesOut])
def privileges(request: HttpRequest, slug: Slug, on: Day | None = None) -> object:
    return selectors.privileges_of(selectors.organisation_for(slug), on)
