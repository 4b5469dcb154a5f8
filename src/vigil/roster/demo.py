"""A demo roster of clearly fictional mediators and experts (`vigil demo` may load it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from vigil.actors.models import Organisation
from vigil.geo.models import Country, RegionalOrganisation
from vigil.roster.choices import (
    DiversityMeasure,
    DiversityPopulation,
    UnavailabilityReason,
    VettingStatus,
)
from vigil.roster.models import Roster
from vigil.roster.services import (
    MemberInput,
    add_member,
    create_roster,
    deploy_member,
    load_global_south_list,
    mark_unavailable,
    record_vetting,
    set_diversity_target,
)
from vigil.sharing.choices import TLP


class _DemoLoader:
    """The actor of the demo loader: a platform-level writer that is nobody in particular."""

    is_superuser = True
    is_authenticated = False
    pk = None


# (name, gender, nationality, seniority, roles, languages, expertise, regions, countries,
#  standby, joined years ago)
_DEMO_MEMBERS: list[tuple[Any, ...]] = [
    ("Aïssata Exemple", "woman", "SEN", "senior", ["lead_mediator", "mediation_adviser"],
     {"fr": 4, "en": 3, "wo": 4}, {"electoral_disputes": 3, "dialogue": 3, "power_sharing": 2},
     ["ECOWAS", "AU"], ["MLI", "BFA", "NER", "GIN"], True, 6),
    ("Kwame Specimen", "man", "GHA", "senior", ["lead_mediator"],
     {"en": 4, "fr": 2}, {"ceasefires": 3, "shuttle_diplomacy": 3, "ddr": 2},
     ["ECOWAS", "AU"], ["LBR", "SLE", "CIV"], True, 8),
    ("Mariam Placeholder", "woman", "KEN", "mid", ["thematic_expert", "process_expert"],
     {"en": 4, "sw": 4}, {"gender_inclusion": 3, "drafting": 2, "constitution_making": 2},
     ["IGAD", "EAC", "AU"], ["SSD", "SOM", "SDN"], True, 4),
    ("Jean-Baptiste Fictif", "man", "FRA", "senior", ["mediation_adviser", "process_expert"],
     {"fr": 4, "en": 3, "ar": 1}, {"constitution_making": 3, "drafting": 3},
     ["ECCAS", "AU"], ["CAF", "TCD", "COD"], False, 10),
    ("Hawa Démo", "woman", "MLI", "mid", ["mediation_adviser", "rapporteur"],
     {"fr": 4, "bm": 4, "ar": 2, "en": 2}, {"natural_resources": 3, "electoral_disputes": 2},
     ["ECOWAS"], ["MLI", "NER", "BFA", "MRT"], True, 3),
    ("Ingrid Modèle", "woman", "NOR", "senior", ["lead_mediator"],
     {"en": 4, "es": 3, "fr": 2}, {"ceasefires": 3, "power_sharing": 3},
     ["OAS", "OSCE"], ["COL", "PHL"], True, 12),
    ("Tomás Ejemplo", "man", "COL", "mid", ["process_expert", "thematic_expert"],
     {"es": 4, "en": 3}, {"ddr": 3, "transitional_justice": 2, "facilitation": 2},
     ["OAS"], ["COL", "GTM", "SLV"], False, 5),
    ("Nadia Exemplaire", "woman", "TUN", "junior", ["rapporteur", "process_expert"],
     {"ar": 4, "fr": 4, "en": 3}, {"dialogue": 2, "conflict_analysis": 2},
     ["LAS", "AU"], ["LBY", "TUN"], True, 1),
    ("Samuel Muster", "man", "DEU", "mid", ["thematic_expert"],
     {"de": 4, "en": 4, "fr": 2}, {"ssr": 3, "ceasefires": 2},
     ["EU", "AU"], ["SDN", "MLI"], True, 7),
    ("Ama Prototype", "woman", "NGA", "senior", ["mediation_adviser", "lead_mediator"],
     {"en": 4, "ha": 4, "yo": 3, "fr": 2}, {"religion": 3, "electoral_disputes": 3},
     ["ECOWAS", "AU"], ["NGA", "NER", "CMR", "TCD"], True, 9),
    ("Rahul Sample", "man", "IND", "junior", ["rapporteur"],
     {"en": 4, "hi": 4}, {"conflict_analysis": 2, "climate_security": 2},
     ["ASEAN"], ["MMR", "NPL"], False, 1),
    ("Sione Illustratif", "man", "FJI", "mid", ["process_expert"],
     {"en": 4}, {"dialogue": 3, "climate_security": 3},
     ["PIF"], ["SLB", "PNG", "VUT"], True, 4),
]  # fmt: skip


@transaction.atomic
def load_demo_roster(*, owner_org: Organisation | None = None) -> Roster:
    """A small roster of clearly fictional mediators and experts, with vetting, availability,
    past and current deployments and 50% diversity targets. Idempotent: an existing demo
    roster is returned unchanged. Needs the reference geography (countries, regions)."""
    existing = Roster.objects.filter(slug="demo-mediation-roster").first()
    if existing:
        return existing
    actor = _DemoLoader()
    owner = (
        owner_org
        or Organisation.objects.get_or_create(
            slug="demo-mediation-unit",
            defaults={"name": "Mediation Support Unit (demo)", "kind": "regional_organisation"},
        )[0]
    )
    roster = create_roster(
        owner_org=owner,
        name="Mediation roster (demo)",
        slug="demo-mediation-roster",
        actor=actor,
        tlp=TLP.GREEN,
        description="Fictional mediators and experts, for trying Vigil out.",
        global_south_list=load_global_south_list(),
    )
    today = timezone.localdate()
    countries = set(Country.objects.values_list("iso3", flat=True))
    regions = set(RegionalOrganisation.objects.values_list("code", flat=True))
    requester = Organisation.objects.get_or_create(
        slug="demo-requesting-office",
        defaults={"name": "Special Envoy's Office (demo)", "kind": "un_entity"},
    )[0]
    for index, row in enumerate(_DEMO_MEMBERS):
        (name, gender, nationality, seniority, roles, languages, expertise, member_regions,
         worked_in, standby, years) = row  # fmt: skip
        slug = name.split()[0].lower()
        joined = today.replace(day=1) - dt.timedelta(days=365 * years)
        member = add_member(
            roster=roster,
            actor=actor,
            data=MemberInput(
                full_name=name,
                seniority=seniority,
                gender=gender,
                nationality=nationality if nationality in countries else "",
                role_types=roles,
                summary=f"Fictional profile for the demo: {seniority} {', '.join(roles)}.",
                languages=languages,
                expertise=expertise,
                regions=[r for r in member_regions if r in regions],
                countries_of_experience=[c for c in worked_in if c in countries],
                email=f"{slug}@example.org",
                phone=f"+000 555 01{index:02d}",
                on_standby=standby,
                joined_on=joined,
            ),
        )
        if index != 6:  # one member still waits for vetting
            record_vetting(
                member=member,
                status=VettingStatus.CLEARED,
                decided_on=max(joined, today - dt.timedelta(days=300)),
                valid_until=today + dt.timedelta(days=400),
                actor=actor,
            )
        if index % 3 == 0:
            deploy_member(
                member=member,
                mission=f"Demo dialogue support mission {index + 1}",
                requesting_organisation=requester,
                role_type=roles[0],
                start=today - dt.timedelta(days=200 + index),
                end=today - dt.timedelta(days=170 + index),
                actor=actor,
            )
        if index == 1:
            deploy_member(
                member=member,
                mission="Demo ceasefire talks",
                requesting_organisation=requester,
                role_type=roles[0],
                start=today - dt.timedelta(days=5),
                end=today + dt.timedelta(days=25),
                actor=actor,
            )
        if index == 4:
            mark_unavailable(
                member=member,
                start=today + dt.timedelta(days=1),
                end=today + dt.timedelta(days=14),
                reason=UnavailabilityReason.LEAVE,
                actor=actor,
            )
    for measure in DiversityMeasure.values:
        for population in DiversityPopulation.values:
            set_diversity_target(
                roster=roster,
                measure=measure,
                population=population,
                target_percent=50,
                effective_from=today - dt.timedelta(days=365 * 3),
                actor=actor,
                note="Demo target",
            )
    return roster
