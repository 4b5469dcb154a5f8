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
