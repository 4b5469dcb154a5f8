"""The one access policy. Every read of a protected record passes through `visible()`.

TLP 2.0 decides who may see a record:
CLEAR anyone (anonymous and the public API included); GREEN any signed-in member of the
community; AMBER the owning organisation plus organisations it was explicitly shared with;
AMBER+STRICT the owning organisation only; RED the people it was shared with by name.
Platform admins (superusers) see everything, and their reads are audited like anyone's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from vigil.sharing.choices import AUDITED_TLP, TLP, Surface

M = TypeVar("M", bound=Model)


def organisation_ids(user: Any) -> list[int]:
    """The organisations a signed-in user belongs to (cached on the user object per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_vigil_org_ids", None)
    if cached is None:
        from vigil.actors.models import Membership

        cached = list(
            Membership.objects.filter(user_id=user.pk, is_active=True).values_list(
                "organisation_id", flat=True
            )
        )
        user._vigil_org_ids = cached
    return cached


def organisations_with_role(user: Any, roles: Iterable[str]) -> list[int]:
    """The organisations in which a signed-in user holds one of `roles` (active memberships)."""
    if not getattr(user, "is_authenticated", False):
        return []
    from vigil.actors.models import Membership

    return list(
        Membership.objects.filter(user_id=user.pk, is_active=True, role__in=list(roles))
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def _visibility_q(model: type[Model], user: Any) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(tlp=TLP.CLEAR)
    if user.is_superuser:
        return Q()
    from vigil.sharing.models import Share

    orgs = organisation_ids(user)
    shares = Share.objects.filter(
        content_type=ContentType.objects.get_for_model(model), revoked_at__isnull=True
    )
    shared_to_orgs = shares.filter(organisation_id__in=orgs).values("object_id")
    shared_to_user = shares.filter(user_id=user.pk).values("object_id")
    return (
        Q(tlp__in=[TLP.CLEAR, TLP.GREEN])
        | Q(tlp__in=[TLP.AMBER, TLP.AMBER_STRICT], owner_org_id__in=orgs)
        | Q(tlp=TLP.AMBER, pk__in=shared_to_orgs)
        | Q(tlp=TLP.RED, pk__in=shared_to_user)
    )


def visible(
    queryset: QuerySet[M], user: Any, action: str = "view", *, author_field: str | None = None
) -> QuerySet[M]:
    """Restrict a queryset of a protected model to what `user` may `action`.

    `author_field` names the person who wrote a record (a report's monitor): authors always
    see what they wrote, whatever its mark. Only "view" exists so far; any other action is
    refused outright rather than guessed.
    """
    if action != "view":
        return queryset.none()
    if getattr(user, "is_superuser", False):
        return queryset  # platform admins see everything (their reads are still audited)
    rule = _visibility_q(queryset.model, user)
    if author_field and getattr(user, "is_authenticated", False):
        rule |= Q(**{author_field: user.pk})
    return queryset.filter(rule)


def visible_to_organisation(queryset: QuerySet[M], organisation_id: int | None) -> QuerySet[M]:
    """What every member of an organisation may see — the audience of a derived product
    (an analysis run, a synopsis) made for that organisation rather than for one person.

    `None` is the signed-in community: CLEAR and GREEN. An organisation adds its own
    AMBER and AMBER+STRICT records and AMBER shared with it. RED is never included: it is
    shared with named people, and a product for a whole organisation would leak it.
    """
    rule = Q(tlp__in=[TLP.CLEAR, TLP.GREEN])
    if organisation_id is not None:
        from vigil.sharing.models import Share

        shared = Share.objects.filter(
            content_type=ContentType.objects.get_for_model(queryset.model),
            revoked_at__isnull=True,
            organisation_id=organisation_id,
        ).values("object_id")
        rule |= Q(tlp__in=[TLP.AMBER, TLP.AMBER_STRICT], owner_org_id=organisation_id) | Q(
            tlp=TLP.AMBER, pk__in=shared
        )
    return queryset.filter(rule)


# ------------------------------------------------------------------ derived products
# A product (synopsis, situation report, alert text) is read by everyone its own mark
# admits, not by the person who built it; these decide what may go into one.


class ProductAudience:
    """The readers a product's mark admits, shaped as the access policy sees a reader.

    `organisation_id` None is the signed-in community (CLEAR and GREEN); an organisation
    adds what every member of it may see. It is nobody in person, so nothing shared with a
    named person (RED) ever reaches a product through it.
    """

    is_authenticated = True
    is_anonymous = False
    is_superuser = False
    pk = None

    def __init__(self, organisation_id: int | None) -> None:
        self.organisation_id = organisation_id
        # sharing.policy.organisation_ids() reads this cache before any query.
        self._vigil_org_ids = [organisation_id] if organisation_id is not None else []


def product_mark_rule(mark: str, owner_id: int) -> Q:
    """The records a product marked `mark` and owned by `owner_id` may contain.

    AMBER products take only their owner's AMBER records (an AMBER record shared with the
    owner was not shared with whoever the owner shares the product with); AMBER+STRICT and
    RED products, read inside the owning organisation only, take all it may see. RED
    records never enter a product: they are shared with named people.
    """
    rule = Q(tlp__in=[TLP.CLEAR, TLP.GREEN]) if mark != TLP.CLEAR else Q(tlp=TLP.CLEAR)
    if mark == TLP.AMBER:
        rule |= Q(tlp=TLP.AMBER, owner_org_id=owner_id)
    elif mark in (TLP.AMBER_STRICT, TLP.RED):
        rule |= Q(tlp__in=[TLP.AMBER, TLP.AMBER_STRICT])
    return rule


def product_audience(mark: str, owner_id: int) -> ProductAudience:
    return ProductAudience(owner_id if mark in (TLP.AMBER, TLP.AMBER_STRICT, TLP.RED) else None)


def record_reads(
    records: Iterable[Model], user: Any, *, surface: Surface | str, action: str = "view"
) -> int:
    """Write one audit row per AMBER, AMBER+STRICT or RED record read; return how many."""
    by_model: dict[type[Model], list[tuple[int, str]]] = {}
    for record in records:
        by_model.setdefault(type(record), []).append((record.pk, getattr(record, "tlp", TLP.CLEAR)))
    return sum(
        record_reads_of(model, marks, user, surface=surface, action=action)
        for model, marks in by_model.items()
    )


def record_reads_of(
    model: type[Model],
    marks: Iterable[tuple[int, str]],
    user: Any,
    *,
    surface: Surface | str,
    action: str = "view",
) -> int:
    """Audit reads given as (pk, tlp) pairs, for exports that never build model instances."""
    from vigil.sharing.models import AuditEntry

    content_type = ContentType.objects.get_for_model(model)
    reader = user if getattr(user, "is_authenticated", False) else None
    entries = [
        AuditEntry(
            user=reader,
            action=action,
            surface=surface,
            content_type=content_type,
            object_id=pk,
            tlp=tlp,
        )
        for pk, tlp in marks
        if tlp in AUDITED_TLP
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)
