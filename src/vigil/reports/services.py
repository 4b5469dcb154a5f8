"""Writes on products: generate (idempotently), write a policy brief, review, publish.

Every state change is a `ProductTransition` row written in the same transaction, so a
product's history is complete by construction. Generation never duplicates: a product is
keyed by kind, area, period, language, owner and mark (database constraints); re-running
a day updates its draft and leaves a reviewed or published product as it is.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.actors.choices import Role
from vigil.geo.selectors import regions_with_members
from vigil.reports import content as builder
from vigil.reports.catalogue import phrase
from vigil.reports.choices import (
    STATUS_TRANSITIONS,
    Cadence,
    Language,
    ProductKind,
    ProductStatus,
)
from vigil.reports.models import Product, ProductTransition
from vigil.reports.rendering import render_markdown, render_pdf
from vigil.reports.selectors import all_products
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisations_with_role

log = logging.getLogger(__name__)

AUTHOR_ROLES = (Role.ANALYST, Role.SUPERVISOR)
REVIEWER_ROLES = (Role.ANALYST, Role.SUPERVISOR)


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    KEPT = "kept"  # reviewed or published already: generation leaves it alone


@dataclass(frozen=True)
class Generated:
    """What one generation did to one product."""

    product: Product
    outcome: str

    def summary(self) -> str:
        p = self.product
        return (
            f"{self.outcome}: #{p.pk} {p.kind} {p.area_code} {p.period_end} {p.language} "
            f"({p.status})"
        )


def _default_owner() -> Any:
    # Products nobody asked for are the platform's, like the community's analysis runs.
    from vigil.risk.services import platform_organisation

    return platform_organisation()


def _require_author(actor: Any, owner_id: int) -> None:
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if owner_id not in organisations_with_role(actor, AUTHOR_ROLES):
        raise PermissionDenied(_("Only analysts of the owning organisation write its products."))


def _validate(language: str, mark: str) -> None:
    errors = {}
    if language not in Language.values:
        errors["language"] = f"Products are written in {', '.join(Language.values)}."
    if mark not in TLP.values:
        errors["tlp"] = f"Unknown TLP mark {mark!r}."
    if errors:
        raise ValidationError(errors)


def _render(product: Product) -> None:
    product.rendered_markdown = render_markdown(product)
    product.rendered_pdf = render_pdf(product)


def _record(product: Product, *, to: str, actor: Any, note: str = "", frm: str = "") -> None:
    ProductTransition(
        product=product, from_status=frm, to_status=to, actor=actor, note=note[:300]
    ).save()


def _store_generated(*, key: dict[str, Any], fields: dict[str, Any], actor: Any) -> Generated:
    """Create the product of `key`, update its draft, or keep a reviewed/published one."""
    existing = all_products().select_for_update().filter(**key).first()
    if existing is not None and existing.status != ProductStatus.DRAFT:
        return Generated(existing, Outcome.KEPT)
    product = existing or Product(**key)
    for name, value in fields.items():
        setattr(product, name, value)
    product.save()
    product.rendered_markdown = ""
    _render(product)
    product.save(update_fields=["rendered_markdown", "rendered_pdf", "updated_at"])
    outcome = Outcome.UPDATED if existing else Outcome.CREATED
    _record(
        product,
        to=ProductStatus.DRAFT,
        frm=ProductStatus.DRAFT if existing else "",
        actor=actor,
        note="regenerated" if existing else "generated",
    )
    return Generated(product, outcome)


def _previous_synopsis_end(
    *, region: str, date: dt.date, owner_id: int, mark: str, language: str
) -> dt.date | None:
    previous = (
        all_products()
        .filter(
            kind=ProductKind.DAILY_SYNOPSIS,
            region_id=region,
            owner_org_id=owner_id,
            tlp=mark,
            language=language,
            period_end__lt=date,
        )
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    return previous


@transaction.atomic
def generate_synopsis(
    *,
    region: str,
    date: dt.date,
    actor: Any = None,
    owner: Any = None,
    tlp: str = TLP.GREEN,
    language: str = Language.EN,
) -> Generated:
    """The daily synopsis of `region` for `date`, covering everything since the previous
    synopsis of the same owner, mark and language (the day itself when there is none)."""
    _validate(language, tlp)
    owner = owner or _default_owner()
    _require_author(actor, owner.pk)
    previous_end = _previous_synopsis_end(
        region=region, date=date, owner_id=owner.pk, mark=tlp, language=language
    )
    # A gap of more than a month (the schedule stopped) is summarised as the last month.
    start = (
        max(previous_end + dt.timedelta(days=1), date - dt.timedelta(days=31))
        if (previous_end)
        else date
    )
    scope = builder.Scope(
        language=language, mark=tlp, owner_id=owner.pk, period_start=start, period_end=date,
        builder=actor, region=region,
    )  # fmt: skip
    content, run = builder.build_synopsis(scope)
    return _store_generated(
        key={
            "kind": ProductKind.DAILY_SYNOPSIS,
            "region_id": region,
            "period_start": start,
            "period_end": date,
            "language": language,
            "owner_org_id": owner.pk,
            "tlp": tlp,
        },
        fields={
            "cadence": Cadence.DAILY,
            "title": phrase("title.daily_synopsis", language, area=region, date=date.isoformat()),
            "author": actor,
            "content": content,
            "input_event_ids": builder.event_ids_of(content),
            "analysis_run": run,
        },
        actor=actor,
    )


def situation_period(date: dt.date, cadence: str) -> tuple[dt.date, dt.date]:
    """The week ending on `date`, or the calendar month that contains it up to `date`."""
    if cadence == Cadence.MONTHLY:
        return date.replace(day=1), date
    return date - dt.timedelta(days=6), date


@transaction.atomic
def generate_situation_report(
    *,
    country: str,
    date: dt.date,
    cadence: str = Cadence.WEEKLY,
    actor: Any = None,
    owner: Any = None,
    tlp: str = TLP.GREEN,
    language: str = Language.EN,
) -> Generated:
    """A country's weekly or monthly situation report for the period ending on `date`."""
    _validate(language, tlp)
    if cadence not in (Cadence.WEEKLY, Cadence.MONTHLY):
        raise ValidationError({"cadence": "A situation report is weekly or monthly."})
    owner = owner or _default_owner()
    _require_author(actor, owner.pk)
    start, end = situation_period(date, cadence)
    scope = builder.Scope(
        language=language, mark=tlp, owner_id=owner.pk, period_start=start, period_end=end,
        builder=actor, country=country,
    )  # fmt: skip
    content, run = builder.build_situation_report(scope)
    names = builder._country_names(language, [country])
    return _store_generated(
        key={
            "kind": ProductKind.SITUATION_REPORT,
            "country_id": country,
            "period_start": start,
            "period_end": end,
            "language": language,
            "owner_org_id": owner.pk,
            "tlp": tlp,
        },
        fields={
            "cadence": cadence,
            "title": phrase(
                "title.situation_report",
                language,
                area=names.get(country, country),
                start=start.isoformat(),
                end=end.isoformat(),
            ),
            "author": actor,
            "content": content,
            "input_event_ids": builder.event_ids_of(content),
            "analysis_run": run,
        },
        actor=actor,
    )


def generate_daily_products(
    date: dt.date,
    region: str | None = None,
    *,
    countries: list[str] | None = None,
    languages: list[str] | None = None,
    actor: Any = None,
    owner: Any = None,
    tlp: str = TLP.GREEN,
) -> list[Product]:
    """The day's products: a synopsis per regional organisation (or `region`) in each
    language, and a weekly situation report for each of `countries`. Idempotent."""
    return [
        result.product
        for result in generate_day(
            date,
            region=region,
            countries=countries,
            languages=languages,
            actor=actor,
            owner=owner,
            tlp=tlp,
        )
    ]


def generate_day(
    date: dt.date,
    *,
    region: str | None = None,
    countries: list[str] | None = None,
    languages: list[str] | None = None,
    actor: Any = None,
    owner: Any = None,
    tlp: str = TLP.GREEN,
) -> list[Generated]:
    """`generate_daily_products` with what happened to each product (for the command)."""
    owner = owner or _default_owner()
    regions = (
        [region] if region else [r["code"] for r in regions_with_members(on=date) if r["members"]]
    )
    results: list[Generated] = []
    for language in languages or [Language.EN]:
        for code in regions:
            results.append(
                generate_synopsis(
                    region=code, date=date, actor=actor, owner=owner, tlp=tlp, language=language
                )
            )
        for country in countries or []:
            results.append(
                generate_situation_report(
                    country=country,
                    date=date,
                    actor=actor,
                    owner=owner,
                    tlp=tlp,
                    language=language,
                )
            )
    return results


# -- policy briefs ------------------------------------------------------------------------


@transaction.atomic
def start_policy_brief(
    *,
    actor: Any,
    owner: Any,
    date: dt.date,
    region: str | None = None,
    country: str | None = None,
    tlp: str = TLP.AMBER,
    language: str = Language.EN,
) -> Product:
    """A new policy brief, pre-filled from its template and the latest figures of its area."""
    _validate(language, tlp)
    if bool(region) == bool(country):
        raise ValidationError({"area": "A brief covers one regional organisation or one country."})
    _require_author(actor, owner.pk)
    start = date - dt.timedelta(days=30)
    scope = builder.Scope(
        language=language, mark=tlp, owner_id=owner.pk, period_start=start, period_end=date,
        builder=actor, region=region, country=country,
    )  # fmt: skip
    template = builder.brief_template(scope)
    content = builder.build_brief(scope, **template)
    area = country or region or ""
    if country:
        area = builder._country_names(language, [country]).get(country, country)
    product = Product(
        kind=ProductKind.POLICY_BRIEF,
        cadence=Cadence.AD_HOC,
        title=phrase("title.policy_brief", language, area=area),
        author=actor,
        owner_org=owner,
        tlp=tlp,
        region_id=region,
        country_id=country,
        period_start=start,
        period_end=date,
        language=language,
        content=content,
        input_event_ids=builder.event_ids_of(content),
    )
    product.save()
    _render(product)
    product.save(update_fields=["rendered_markdown", "rendered_pdf"])
    _record(product, to=ProductStatus.DRAFT, actor=actor, note="started from the template")
    return product


@transaction.atomic
def update_policy_brief(
    *, product: Product, actor: Any, title: str, summary: str, analysis: str, recommendations: str
) -> Product:
    """The analyst's text of a brief; a reviewed brief that is edited goes back to draft."""
    if product.kind != ProductKind.POLICY_BRIEF:
        raise ValidationError({"kind": "Only policy briefs are written by hand."})
    _require_author(actor, product.owner_org_id)
    if product.status == ProductStatus.PUBLISHED:
        raise ValidationError({"status": "A published brief no longer changes."})
    if not summary.strip():
        raise ValidationError({"summary": "Write the summary."})
    scope = builder.Scope(
        language=product.language, mark=product.tlp, owner_id=product.owner_org_id,
        period_start=product.period_start, period_end=product.period_end, builder=actor,
        region=product.region_id, country=product.country_id,
    )  # fmt: skip
    old = product.content
    product.content = builder.build_brief(
        scope,
        summary=summary,
        analysis=analysis,
        recommendations=recommendations,
        figures=[f for s in old.get("sections", []) if s["key"] == "figures" for f in s["figures"]],
        notes=old.get("notes", []),
        left_out=old.get("left_out", 0),
        analysis_run=old.get("analysis"),
    )
    product.title = title.strip() or product.title
    previous = product.status
    product.status = ProductStatus.DRAFT
    _render(product)
    product.save()
    _record(product, to=ProductStatus.DRAFT, frm=previous, actor=actor, note="edited")
    return product


# -- review and publication -------------------------------------------------------------


def can_review(user: Any, product: Product) -> bool:
    """Another analyst or a supervisor of the owning organisation reviews a product; its
    author never reviews their own."""
    if not getattr(user, "is_authenticated", False):
        return False
    if product.author_id is not None and product.author_id == user.pk:
        return False
    if user.is_superuser:
        return True
    return product.owner_org_id in organisations_with_role(user, REVIEWER_ROLES)


def can_publish(user: Any, product: Product) -> bool:
    """Publishing needs the same standing as reviewing, on a reviewed product."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return product.owner_org_id in organisations_with_role(user, REVIEWER_ROLES)


def _move(product: Product, *, to: str, actor: Any, note: str = "") -> Product:
    if (product.status, to) not in STATUS_TRANSITIONS:
        raise ValidationError({"status": f"A {product.status} product cannot become {to}."})
    previous = product.status
    product.status = to
    _render(product)  # the header of every document states the status
    product.save(update_fields=["status", "rendered_markdown", "rendered_pdf", "updated_at"])
    _record(product, to=to, frm=previous, actor=actor, note=note)
    return product


@transaction.atomic
def review_product(*, product: Product, actor: Any, note: str = "") -> Product:
    """Mark a draft as reviewed by someone other than its author."""
    if not can_review(actor, product):
        raise PermissionDenied(_("Another analyst or a supervisor of the owner reviews this."))
    return _move(product, to=ProductStatus.REVIEWED, actor=actor, note=note)


@transaction.atomic
def publish_product(*, product: Product, actor: Any, note: str = "") -> Product:
    """Publish a reviewed product: from now on it no longer changes."""
    if not can_publish(actor, product):
        raise PermissionDenied(_("Only analysts or supervisors of the owner publish this."))
    product = _move(product, to=ProductStatus.PUBLISHED, actor=actor, note=note)
    announce_product(product)
    return product


def announce_product(product: Product) -> None:
    """Queue the published product for its subscribers in the durable outbox, in the
    publishing transaction. The outbox checks each reader against the product's mark and
    keeps AMBER and RED content out of the email body (a link only); the Markdown of a
    CLEAR or GREEN product is the body, in the product's own language."""
    from django.urls import reverse

    from vigil.dissemination.services import enqueue_for

    countries = [product.country_id] if product.country_id else []
    enqueue_for(
        product.kind,
        product,
        region=product.region_id,
        countries=countries,
        severity=None,
        tlp=product.tlp,
        url=reverse("reports:detail", args=[product.pk]),
        subject={product.language: product.title},
        body_by_language={product.language: product.rendered_markdown or product.title},
        revision=f"published-{product.pk}",
    )


@transaction.atomic
def reopen_product(*, product: Product, actor: Any, note: str) -> Product:
    """Send a reviewed product back to draft, with the reason."""
    if not can_review(actor, product) and not can_publish(actor, product):
        raise PermissionDenied(_("Only analysts or supervisors of the owner reopen this."))
    if not note.strip():
        raise ValidationError({"note": "Say why the product goes back to draft."})
    return _move(product, to=ProductStatus.DRAFT, actor=actor, note=note)
