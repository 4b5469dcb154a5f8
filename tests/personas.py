"""Named people, each with what they may see, so access tests read like the policy itself.

- monitor: an ECOWARN field monitor reporting for ECOWAS (organisation A). Sees CLEAR, GREEN,
  AMBER/AMBER+STRICT of ECOWAS, and every report they wrote.
- analyst: an ECOWAS early-warning analyst. Sees CLEAR, GREEN, AMBER/AMBER+STRICT of ECOWAS,
  AMBER shared with ECOWAS, and RED only where named.
- decision_maker: an ECOWAS commissioner; same organisation as the analyst.
- other_org_analyst: an IGAD analyst. Sees CLEAR and GREEN, and AMBER only when shared to IGAD.
- unshared_analyst: a SADC analyst whom nothing is shared with. Sees CLEAR and GREEN.
- admin: a platform admin (superuser, no organisation). Sees everything; reads are audited.
- public: an anonymous visitor. Sees CLEAR only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from vigil.actors.choices import OrganisationKind, Role


@dataclass
class Personas:
    ecowas: Any
    igad: Any
    wanep: Any
    monitor: Any
    analyst: Any
    decision_maker: Any
    other_org_analyst: Any
    unshared_analyst: Any
    admin: Any
    public: Any


def make_personas() -> Personas:
    ecowas = OrganisationFactory(slug="ecowas", kind=OrganisationKind.REGIONAL_ORGANISATION)
    igad = OrganisationFactory(slug="igad", kind=OrganisationKind.REGIONAL_ORGANISATION)
    wanep = OrganisationFactory(slug="wanep-nigeria", kind=OrganisationKind.CSO)
    sadc = OrganisationFactory(slug="sadc", kind=OrganisationKind.REGIONAL_ORGANISATION)

    def member(username: str, organisation: Any, role: str) -> Any:
        user = UserFactory(username=username)
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return Personas(
        ecowas=ecowas,
        igad=igad,
        wanep=wanep,
        monitor=member("monitor", ecowas, Role.MONITOR),
        analyst=member("analyst", ecowas, Role.ANALYST),
        decision_maker=member("decision_maker", ecowas, Role.DECISION_MAKER),
        other_org_analyst=member("other_org_analyst", igad, Role.ANALYST),
        unshared_analyst=member("unshared_analyst", sadc, Role.ANALYST),
        admin=UserFactory(username="platform_admin", is_staff=True, is_superuser=True),
        public=AnonymousUser(),
    )


# --- Consultation (Pacific Islands Forum Regional Security Committee) ---------------------


@dataclass
class ConsultationPersonas:
    """The people of a structured consultation, each with what they may do and see.

    - secretariat: the Forum Secretariat's committee secretary. Runs the committee: schedules
      meetings, opens calls, records statements, reviews papers, endorses recommendations.
    - delegate: Fiji's member-state delegate on the committee. Sees the committee's meetings,
      papers, drafts and mandates; decides nothing through Vigil.
    - cso_member: works for an accredited CSO (submit written input, read draft documents).
      Submits papers and sees its own papers and the mandates arising from them.
    - unaccredited_cso_member: works for a CSO with no accreditation. Sees calls, submits
      nothing, sees no drafts.
    """

    forum: Any
    fiji: Any
    body: Any
    cso: Any
    unaccredited_cso: Any
    secretariat: Any
    delegate: Any
    cso_member: Any
    unaccredited_cso_member: Any


def accredit_cso(
    organisation: Any,
    regional_organisation_code: str,
    *,
    applicant: Any,
    reviewers: list[Any],
    word_limit: int | None = 2000,
    read_draft_documents: bool = True,
) -> Any:
    """Accredit `organisation` through the accreditation services, as it would happen: its
    member applies forty days ago under a scheme with the given privileges, each member
    state's focal point in `reviewers` approves the next day, and the decision registers it.
    Returns the registration (in force today, for the scheme's validity)."""
    import datetime as dt

    from django.utils import timezone

    from vigil.actors import accreditation
    from vigil.actors.choices import DecisionRule
    from vigil.actors.models import AccreditationScheme

    applied_on = timezone.localdate() - dt.timedelta(days=40)
    scheme, _ = AccreditationScheme.objects.update_or_create(
        regional_organisation_id=regional_organisation_code,
        defaults={
            "decision_rule": DecisionRule.NO_SUSTAINED_OBJECTION,
            "require_statutes": False,
            "require_governance": False,
            "require_registration_in_region": False,
            "min_references": 0,
            "submit_written_input": True,
            "written_input_word_limit": word_limit,
            "read_draft_documents": read_draft_documents,
        },
    )
    application = accreditation.apply_for_accreditation(
        actor=applicant,
        applicant=organisation,
        scheme=scheme,
        profile="Peacebuilding and community early warning across the Pacific.",
        today=applied_on,
    )
    for reviewer in reviewers:
        accreditation.review_application(
            application=application,
            actor=reviewer,
            verdict="approve",
            today=applied_on + dt.timedelta(days=1),
        )
    application.refresh_from_db()
    return application.registration


def make_consultation_personas() -> ConsultationPersonas:
    """The Forum Secretariat serving a Regional Security Committee on which Fiji sits."""
    import datetime as dt

    from tests.factories import CountryFactory
    from vigil.consultations.models import Body, BodyMember
    from vigil.geo.models import RegionalOrganisation, RegionMembership

    region, _ = RegionalOrganisation.objects.get_or_create(
        code="PIF", defaults={"name": "Pacific Islands Forum"}
    )
    fji = CountryFactory(iso3="FJI", iso2="FJ", name="Fiji")
    # One member state keeps the review short; the real Forum has eighteen.
    RegionMembership.objects.get_or_create(
        organisation=region, country=fji, defaults={"joined": dt.date(2014, 10, 22)}
    )
    forum = OrganisationFactory(
        slug="forum-secretariat",
        name="Pacific Islands Forum Secretariat",
        kind=OrganisationKind.REGIONAL_ORGANISATION,
        regional_organisation=region,
    )
    fiji = OrganisationFactory(
        slug="fiji", name="Fiji", kind=OrganisationKind.MEMBER_STATE, country_id="FJI"
    )
    cso = OrganisationFactory(slug="pacific-women-mediators", name="Pacific Women Mediators")
    unaccredited = OrganisationFactory(slug="island-voices", name="Island Voices")
    body = Body.objects.create(
        slug="rsc",
        name="Regional Security Committee",
        regional_organisation=region,
        owner_org=forum,
        email="rsc@forumsec.example",
    )
    BodyMember.objects.create(body=body, organisation=fiji)

    def member(username: str, organisation: Any, role: str) -> Any:
        user = UserFactory(username=username, email=f"{username}@example.org")
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    delegate = member("fiji_delegate", fiji, Role.FOCAL_POINT)
    cso_member = member("pwm_officer", cso, Role.ORG_ADMIN)
    accredit_cso(cso, region.code, applicant=cso_member, reviewers=[delegate])
    return ConsultationPersonas(
        forum=forum,
        fiji=fiji,
        body=body,
        cso=cso,
        unaccredited_cso=unaccredited,
        secretariat=member("rsc_secretary", forum, Role.SECRETARIAT),
        delegate=delegate,
        cso_member=cso_member,
        unaccredited_cso_member=member("island_voices_officer", unaccredited, Role.ORG_ADMIN),
    )


# --- Accreditation (actors): a small real region, its member states' focal points, a CSO ---


@dataclass
class AccreditationPersonas:
    """The Mano River Union (Liberia, Sierra Leone, Guinea, Côte d'Ivoire) and its people.

    - liberia_focal_point / sierra_leone_focal_point: focal points of two member states. Each
      reviews applications for their state only and sees the applications under review.
    - secretariat: staff of the MRU secretariat; sees every application to the MRU.
    - cso_applicant: a member of a Liberian CSO; applies for it and sees only its own
      applications. Guinea and Côte d'Ivoire have no focal point here (they stay silent).
    """

    region: Any
    scheme: Any
    secretariat_org: Any
    secretariat: Any
    liberia: Any
    sierra_leone: Any
    liberia_focal_point: Any
    sierra_leone_focal_point: Any
    cso: Any
    cso_applicant: Any


def make_accreditation_personas(**scheme_options: Any) -> AccreditationPersonas:
    """Create the MRU with its members' real accession dates, an accreditation scheme
    (options override its defaults) and the people above."""
    import datetime as dt

    from tests.factories import CountryFactory
    from vigil.actors.models import AccreditationScheme
    from vigil.geo.models import RegionalOrganisation, RegionMembership

    region, _ = RegionalOrganisation.objects.get_or_create(
        code="MRU", defaults={"name": "Mano River Union", "kind": "regional"}
    )
    names = {"LBR": "Liberia", "SLE": "Sierra Leone", "GIN": "Guinea", "CIV": "Côte d'Ivoire"}
    joined = {"LBR": 1973, "SLE": 1973, "GIN": 1980, "CIV": 2008}
    countries = {}
    for iso3, name in names.items():
        countries[iso3] = CountryFactory(iso3=iso3, name=name)
        RegionMembership.objects.get_or_create(
            organisation=region,
            country=countries[iso3],
            defaults={"joined": dt.date(joined[iso3], 1, 1)},
        )
    scheme, _ = AccreditationScheme.objects.update_or_create(
        regional_organisation=region, defaults=scheme_options
    )
    secretariat_org = OrganisationFactory(
        slug="mru-secretariat",
        name="Mano River Union Secretariat",
        kind=OrganisationKind.REGIONAL_ORGANISATION,
        regional_organisation=region,
    )
    liberia = OrganisationFactory(
        slug="liberia",
        name="Republic of Liberia",
        kind=OrganisationKind.MEMBER_STATE,
        country=countries["LBR"],
    )
    sierra_leone = OrganisationFactory(
        slug="sierra-leone",
        name="Republic of Sierra Leone",
        kind=OrganisationKind.MEMBER_STATE,
        country=countries["SLE"],
    )
    cso = OrganisationFactory(
        slug="liberia-peace-network",
        name="Liberia Peace Network",
        kind=OrganisationKind.CSO,
        country=countries["LBR"],
    )

    def member(username: str, organisation: Any, role: str) -> Any:
        user = UserFactory(username=username, email=f"{username}@example.org")
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return AccreditationPersonas(
        region=region,
        scheme=scheme,
        secretariat_org=secretariat_org,
        secretariat=member("mru_secretariat", secretariat_org, Role.SECRETARIAT),
        liberia=liberia,
        sierra_leone=sierra_leone,
        liberia_focal_point=member("liberia_focal_point", liberia, Role.FOCAL_POINT),
        sierra_leone_focal_point=member("sierra_leone_focal_point", sierra_leone, Role.FOCAL_POINT),
        cso=cso,
        cso_applicant=member("cso_applicant", cso, Role.ORG_ADMIN),
    )


def make_roster_manager(
    organisation: Any, username: str = "roster_manager", role: str = Role.ROSTER_MANAGER
) -> Any:
    """A roster manager of `organisation` (e.g. an ECOWAS mediation support officer): sees the
    organisation's rosters with contact details and nationality, and changes them. The same
    person's colleagues without this role see profiles only."""
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user
