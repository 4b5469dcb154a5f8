"""Privileges that accreditation grants, as access rules.

An accredited CSO holds privileges with a regional organisation (attend meetings, submit
written input up to a word limit, read draft documents, receive products up to a TLP mark)
for as long as its registration is in force: from the day it is granted to the day before
it expires, unless revoked earlier. Every privilege check goes through `holds_privilege`, so
a lapsed registration stops working everywhere on the same day.

Accreditation applications are not TLP-marked records; who may read them is a rule of the
process itself (`applications_visible`): the applicant organisation, the focal points of the
regional organisation's member states on the day, and the regional organisation's staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisation_ids, organisations_with_role, visible

# TLP marks in increasing order of restriction; a ceiling of AMBER admits CLEAR, GREEN, AMBER.
TLP_ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]

PRIVILEGE_FIELDS = {
    "attend_meetings": "attend_meetings",
    "submit_written_input": "submit_written_input",
    "read_draft_documents": "read_draft_documents",
}


@dataclass(frozen=True)
class HeldPrivileges:
    """What one organisation may do with one regional organisation on one day."""

    regional_organisation: str
    attend_meetings: bool
    submit_written_input: bool
    written_input_word_limit: int | None
    read_draft_documents: bool
    products_tlp: str
    granted_on: dt.date
    expires_on: dt.date

    def names(self) -> list[str]:
        """The privileges held, as `Privilege` values."""
        held = [name for name in PRIVILEGE_FIELDS if getattr(self, name)]
        if self.products_tlp:
            held.append("receive_products")
        return held


def in_force_q(on: dt.date, prefix: str = "") -> Q:
    """Registrations in force on `on`: granted, not yet expired, not revoked."""
    return Q(**{f"{prefix}granted_on__lte": on, f"{prefix}expires_on__gt": on}) & (
        Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": on})
    )


def _org_id(organisation: Any) -> int | None:
    if organisation is None:
        return None
    return organisation if isinstance(organisation, int) else organisation.pk


def privileges_of(organisation: Any, on: dt.date | None = None) -> list[HeldPrivileges]:
    """Every regional organisation `organisation` holds privileges with on `on` (today)."""
    from vigil.actors.models import Registration

    org_id = _org_id(organisation)
    if org_id is None:
        return []
    on = on or timezone.localdate()
    held: dict[str, HeldPrivileges] = {}
    rows = Registration.objects.filter(in_force_q(on), organisation_id=org_id).order_by(
        "-granted_on", "-pk"
    )
    for row in rows:
        # Two overlapping registrations (a renewal granted before the old one lapsed): the
        # latest grant states the privileges.
        held.setdefault(
            row.regional_organisation_id,
            HeldPrivileges(
                regional_organisation=row.regional_organisation_id,
                attend_meetings=row.attend_meetings,
                submit_written_input=row.submit_written_input,
                written_input_word_limit=row.written_input_word_limit,
                read_draft_documents=row.read_draft_documents,
                products_tlp=row.products_tlp,
                granted_on=row.granted_on,
                expires_on=row.expires_on,
            ),
        )
    return sorted(held.values(), key=lambda h: h.regional_organisation)


def holds_privilege(
    organisation: Any, regional_organisation_code: str, privilege: str, on: dt.date | None = None
) -> bool:
    """Whether `organisation` holds `privilege` with the regional organisation on `on`.

    Unknown privilege names are refused rather than guessed.
    """
    for held in privileges_of(organisation, on):
        if held.regional_organisation == regional_organisation_code:
            if privilege == "receive_products":
                return bool(held.products_tlp)
            if privilege in PRIVILEGE_FIELDS:
                return bool(getattr(held, PRIVILEGE_FIELDS[privilege]))
            return False
    return False


def user_holds_privilege(
    user: Any, regional_organisation_code: str, privilege: str, on: dt.date | None = None
) -> bool:
    """Whether any organisation `user` acts for holds `privilege` with the region."""
    return any(
        holds_privilege(org_id, regional_organisation_code, privilege, on)
        for org_id in organisation_ids(user)
    )


def word_limit(
    organisation: Any, regional_organisation_code: str, on: dt.date | None = None
) -> int | None:
    """The word limit on written input (None: no limit, or no privilege; check that first)."""
    for held in privileges_of(organisation, on):
        if held.regional_organisation == regional_organisation_code:
            return held.written_input_word_limit
    return None


def product_privilege_q(user: Any, on: dt.date | None = None) -> Q:
    """Products an accredited CSO's member receives by privilege, beyond the TLP rule.

    A product is a record owned by the regional organisation's own Organisation; the
    privilege admits those marked up to the registration's ceiling (never RED, which goes
    to named people only, nor AMBER+STRICT, which never leaves its owner).
    """
    from vigil.actors.models import Organisation

    rules = Q(pk__in=[])
    for org_id in organisation_ids(user):
        for held in privileges_of(org_id, on):
            if not held.products_tlp:
                continue
            marks = TLP_ORDER[: TLP_ORDER.index(TLP(held.products_tlp)) + 1]
            # RED goes to named people and AMBER+STRICT stays inside its owner: TLP 2.0
            # lets no privilege widen either.
            marks = [mark for mark in marks if mark not in (TLP.RED, TLP.AMBER_STRICT)]
            owners = Organisation.objects.filter(
                regional_organisation_id=held.regional_organisation
            ).values("pk")
            rules |= Q(owner_org_id__in=owners, tlp__in=marks)
    return rules


def visible_with_privileges(queryset: QuerySet, user: Any, on: dt.date | None = None) -> QuerySet:
    """`policy.visible` plus the products a user's accredited organisation receives."""
    if getattr(user, "is_superuser", False) or not getattr(user, "is_authenticated", False):
        return visible(queryset, user)
    allowed = visible(queryset, user).values("pk")
    return queryset.filter(Q(pk__in=allowed) | product_privilege_q(user, on))


def member_state_codes(regional_organisation_code: str, on: dt.date) -> list[str]:
    """ISO3 codes of the regional organisation's member states on `on`."""
    from vigil.geo.models import RegionalOrganisation

    region = RegionalOrganisation.objects.filter(pk=regional_organisation_code).first()
    if region is None:
        return []
    return sorted(set(region.members_on(on).values_list("iso3", flat=True)))


def focal_point_countries(user: Any) -> list[str]:
    """ISO3 codes of the member states for which `user` is a focal point."""
    from vigil.actors.choices import OrganisationKind, Role
    from vigil.actors.models import Organisation

    org_ids = organisations_with_role(user, [Role.FOCAL_POINT])
    return sorted(
        set(
            Organisation.objects.filter(
                pk__in=org_ids, kind=OrganisationKind.MEMBER_STATE, country__isnull=False
            ).values_list("country_id", flat=True)
        )
    )


def staff_regions(user: Any) -> list[str]:
    """Codes of the regional organisations `user` works for (any role)."""
    from vigil.actors.models import Organisation

    return sorted(
        set(
            Organisation.objects.filter(
                pk__in=organisation_ids(user), regional_organisation__isnull=False
            ).values_list("regional_organisation_id", flat=True)
        )
    )


def applications_visible(queryset: QuerySet, user: Any) -> QuerySet:
    """Accreditation applications `user` may read (see the module docstring)."""
    if getattr(user, "is_superuser", False):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    rule = Q(applicant_id__in=organisation_ids(user)) | Q(
        scheme__regional_organisation_id__in=staff_regions(user)
    )
    countries = focal_point_countries(user)
    if countries:
        # An application lists (as JSON) the member states asked to review it; each ISO3
        # code appears there as a quoted token, which a text match finds on every database.
        for code in countries:
            rule |= Q(member_states__icontains=f'"{code}"')
    return queryset.filter(rule)
