"""Generating, writing, reviewing and publishing products (src/vigil/reports/services.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import EventFactory
from tests.reports.conftest import DAY, MarkedEvents
from vigil.events.selectors import events_visible_to
from vigil.reports import services
from vigil.reports.choices import ProductKind, ProductStatus
from vigil.reports.content import event_ids_of
from vigil.reports.selectors import all_products
from vigil.sharing.choices import TLP
from vigil.sharing.policy import product_audience as audience_of
from vigil.sharing.policy import product_mark_rule as mark_rule

pytestmark = pytest.mark.django_db


def section(product: Any, key: str) -> dict[str, Any]:
    return next(s for s in product.content["sections"] if s["key"] == key)


def figure_value(product: Any, key: str) -> Any:
    for item in (f for s in product.content["sections"] for f in s["figures"]):
        if item["key"] == key:
            return item["value"]
    raise AssertionError(f"no figure {key}")


def test_green_synopsis_by_an_amber_reader_leaves_amber_out_and_says_so(
    personas: Any, marked_events: MarkedEvents
) -> None:
    # Given events of every mark, and an ECOWAS analyst who can see CLEAR to AMBER+STRICT
    # When the analyst generates a TLP:GREEN synopsis of ECOWAS for the day
    result = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas, tlp=TLP.GREEN
    )
    product = result.product
    # Then only the CLEAR and GREEN events are in it: 1 + 2 deaths
    assert set(product.input_event_ids) == {marked_events.clear.pk, marked_events.green.pk}
    assert figure_value(product, "new-events") == 2
    assert figure_value(product, "new-deaths") == 3
    # And it says how many events the analyst could see were left out (the two ECOWAS AMBER
    # ones and the IGAD AMBER shared with ECOWAS; the RED one the analyst cannot see)
    assert product.content["left_out"] == 3
    assert (
        "3 events above this product's mark (TLP:GREEN) were left out."
        in (product.content["notes"])
    )
    assert "were left out" in product.rendered_markdown
    for hidden in (marked_events.amber, marked_events.amber_strict, marked_events.red):
        assert f"/{hidden.pk}" not in product.rendered_markdown


def test_amber_product_takes_its_owners_amber_but_not_amber_shared_with_the_owner(
    personas: Any, marked_events: MarkedEvents
) -> None:
    product = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas, tlp=TLP.AMBER
    ).product
    assert set(product.input_event_ids) == {
        marked_events.clear.pk,
        marked_events.green.pk,
        marked_events.amber.pk,
    }
    assert figure_value(product, "new-deaths") == 1 + 2 + 4
    assert product.content["left_out"] == 2  # ECOWAS's AMBER+STRICT, IGAD's shared AMBER


def test_amber_strict_product_never_contains_red(
    personas: Any, marked_events: MarkedEvents
) -> None:
    product = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=None, owner=personas.ecowas, tlp=TLP.RED
    ).product
    assert marked_events.red.pk not in product.input_event_ids
    assert marked_events.amber_strict.pk in product.input_event_ids


@pytest.mark.parametrize("mark", [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT])
def test_every_figure_traces_to_events_visible_at_the_products_mark(
    personas: Any, marked_events: MarkedEvents, mark: str
) -> None:
    product = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas, tlp=mark
    ).product
    ids = event_ids_of(product.content)
    assert ids == sorted(product.input_event_ids)
    admitted = events_visible_to(audience_of(mark, personas.ecowas.pk)).filter(
        mark_rule(mark, personas.ecowas.pk), pk__in=ids
    )
    assert sorted(admitted.values_list("pk", flat=True)) == ids


def test_synopsis_without_analysis_says_no_analysis_is_available(
    personas: Any, marked_events: MarkedEvents
) -> None:
    product = services.generate_synopsis(region="ECOWAS", date=DAY, owner=personas.ecowas).product
    assert product.analysis_run is None
    assert (
        "No analysis available at this product's mark for this date."
        in (section(product, "hotspots")["text"])
    )


def test_generation_is_idempotent_and_every_change_is_a_row(
    personas: Any, marked_events: MarkedEvents, second_analyst: Any
) -> None:
    first = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas
    )
    # A new event arrives; re-running the day updates the same draft
    late = EventFactory(tlp=TLP.GREEN, owner_org=personas.ecowas, date_start=DAY, fatalities_best=9)
    again = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas
    )
    assert (first.outcome, again.outcome) == (services.Outcome.CREATED, services.Outcome.UPDATED)
    assert again.product.pk == first.product.pk
    assert late.pk in again.product.input_event_ids
    assert all_products().filter(kind=ProductKind.DAILY_SYNOPSIS).count() == 1

    services.review_product(product=again.product, actor=second_analyst)
    services.publish_product(product=again.product, actor=second_analyst)
    kept = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas
    )
    assert kept.outcome == services.Outcome.KEPT
    assert kept.product.status == ProductStatus.PUBLISHED
    steps = [(t.from_status, t.to_status, t.note) for t in kept.product.transitions.all()]
    assert steps == [
        ("", "draft", "generated"),
        ("draft", "draft", "regenerated"),
        ("draft", "reviewed", ""),
        ("reviewed", "published", ""),
    ]


def test_next_synopsis_covers_the_days_since_the_previous_one(
    personas: Any, marked_events: MarkedEvents
) -> None:
    services.generate_synopsis(region="ECOWAS", date=DAY, owner=personas.ecowas)
    later = DAY + dt.timedelta(days=3)
    following = services.generate_synopsis(region="ECOWAS", date=later, owner=personas.ecowas)
    assert (following.product.period_start, following.product.period_end) == (
        DAY + dt.timedelta(days=1),
        later,
    )
    assert following.product.input_event_ids == []
    assert (
        "No new events were recorded since the previous synopsis."
        in (section(following.product, "developments")["text"])
    )


def test_authors_cannot_review_their_own_product_nor_outsiders_any(
    personas: Any, marked_events: MarkedEvents, second_analyst: Any
) -> None:
    product = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas
    ).product
    for outsider in (personas.analyst, personas.other_org_analyst, personas.decision_maker,
                     personas.monitor):  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.review_product(product=product, actor=outsider)
    with pytest.raises(ValidationError):
        services.publish_product(product=product, actor=second_analyst)  # not reviewed yet
    services.review_product(product=product, actor=second_analyst, note="checked figures")
    with pytest.raises(PermissionDenied):
        services.publish_product(product=product, actor=personas.other_org_analyst)
    services.publish_product(product=product, actor=personas.analyst)
    assert product.status == ProductStatus.PUBLISHED
    assert "Published" in product.rendered_markdown


def test_only_analysts_of_the_owner_write_its_products(
    personas: Any, marked_events: MarkedEvents
) -> None:
    with pytest.raises(PermissionDenied):
        services.generate_synopsis(
            region="ECOWAS", date=DAY, actor=personas.other_org_analyst, owner=personas.ecowas
        )
    with pytest.raises(PermissionDenied):
        services.start_policy_brief(
            actor=personas.monitor, owner=personas.ecowas, date=DAY, country="NGA"
        )


def test_policy_brief_starts_from_the_template_with_the_latest_figures(
    personas: Any, marked_events: MarkedEvents, second_analyst: Any
) -> None:
    brief = services.start_policy_brief(
        actor=personas.analyst, owner=personas.ecowas, date=DAY, country="NGA", tlp=TLP.GREEN
    )
    assert brief.kind == ProductKind.POLICY_BRIEF
    assert brief.content["brief"]["summary"].startswith("State the situation")
    figures = section(brief, "figures")["figures"]
    assert figures, "the template carries the area's latest figures"
    assert set(brief.input_event_ids) == {marked_events.clear.pk, marked_events.green.pk}

    services.review_product(product=brief, actor=second_analyst)
    edited = services.update_policy_brief(
        product=brief,
        actor=personas.analyst,
        title="Nigeria: north-east",
        summary="Violence rose in Borno.\n\nDisplacement follows.",
        analysis="Two drivers.",
        recommendations="Send a fact-finding mission.",
    )
    assert edited.status == ProductStatus.DRAFT  # an edit sends a reviewed brief back
    assert section(edited, "summary")["text"] == [
        "Violence rose in Borno.",
        "Displacement follows.",
    ]
    assert section(edited, "figures")["figures"] == figures
    assert [t.to_status for t in edited.transitions.all()] == ["draft", "reviewed", "draft"]


def test_daily_products_cover_every_region_with_members(
    personas: Any, marked_events: MarkedEvents
) -> None:
    products = services.generate_daily_products(DAY, countries=["NGA"])
    regions = {p.region_id for p in products if p.kind == ProductKind.DAILY_SYNOPSIS}
    assert {"ECOWAS", "AU"} <= regions
    assert [p.country_id for p in products if p.kind == ProductKind.SITUATION_REPORT] == ["NGA"]
    again = services.generate_daily_products(DAY, countries=["NGA"])
    assert sorted(p.pk for p in again) == sorted(p.pk for p in products)


def test_unknown_language_is_refused(personas: Any, marked_events: MarkedEvents) -> None:
    with pytest.raises(ValidationError):
        services.generate_synopsis(region="ECOWAS", date=DAY, language="de")


@pytest.mark.parametrize(("mark", "body_has_content"), [(TLP.GREEN, True), (TLP.AMBER, False)])
def test_publishing_queues_the_product_for_its_subscribers(
    personas: Any, marked_events: MarkedEvents, second_analyst: Any, mark: str, body_has_content
) -> None:
    from tests.factories import SubscriptionFactory
    from vigil.dissemination.models import OutboxMessage

    for person in (personas.decision_maker, personas.unshared_analyst):
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])
    SubscriptionFactory(user=personas.decision_maker, kind=ProductKind.DAILY_SYNOPSIS)
    outsider = SubscriptionFactory(user=personas.unshared_analyst, kind=ProductKind.DAILY_SYNOPSIS)
    product = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas, tlp=mark
    ).product
    services.review_product(product=product, actor=second_analyst)
    assert not OutboxMessage.objects.exists()  # nothing goes out before publication

    services.publish_product(product=product, actor=second_analyst)
    messages = list(OutboxMessage.objects.all())
    recipients = {m.recipient_id for m in messages}
    assert personas.decision_maker.pk in recipients
    # GREEN reaches every signed-in subscriber; AMBER only those of the owning organisation.
    assert (outsider.user.pk in recipients) == (mark == TLP.GREEN)
    mine = next(m for m in messages if m.recipient_id == personas.decision_maker.pk)
    assert (product.title in mine.body_text) == body_has_content
    assert f"/products/{product.pk}/" in mine.link
