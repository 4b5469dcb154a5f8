"""Product pages and API under the access policy (src/vigil/reports/views.py, api.py).

One table: persona × the product's mark × surface → may they read it. Products owned by
ECOWAS; AMBER and AMBER+STRICT admit ECOWAS members only, GREEN any signed-in member,
CLEAR everyone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.reports.conftest import DAY, MarkedEvents
from vigil.reports import services
from vigil.reports.choices import ProductStatus
from vigil.sharing.choices import TLP
from vigil.sharing.models import AuditEntry

pytestmark = pytest.mark.django_db

MAY_READ = {
    TLP.CLEAR: {"public", "monitor", "analyst", "decision_maker", "other_org_analyst", "admin"},
    TLP.GREEN: {"monitor", "analyst", "decision_maker", "other_org_analyst", "admin"},
    TLP.AMBER: {"monitor", "analyst", "decision_maker", "admin"},
    TLP.AMBER_STRICT: {"monitor", "analyst", "decision_maker", "admin"},
}
PEOPLE = ["public", "monitor", "analyst", "decision_maker", "other_org_analyst", "admin"]
SURFACES = ["detail", "markdown", "pdf", "api"]


def client_for(personas: Any, name: str) -> Client:
    client = Client()
    if name != "public":
        client.force_login(getattr(personas, name))
    return client


@pytest.fixture
def products(personas: Any, marked_events: MarkedEvents) -> dict[str, Any]:
    return {
        mark: services.generate_synopsis(
            region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas, tlp=mark
        ).product
        for mark in MAY_READ
    }


def url(surface: str, product: Any) -> str:
    if surface == "api":
        return f"/api/v1/products/{product.pk}"
    return reverse(f"reports:{surface}", args=[product.pk])


@pytest.mark.parametrize("person", PEOPLE)
def test_access_matrix(personas: Any, products: dict[str, Any], person: str) -> None:
    client = client_for(personas, person)
    for surface in SURFACES:
        for mark, product in products.items():
            response = client.get(url(surface, product))
            expected = 200 if person in MAY_READ[mark] else 404
            assert response.status_code == expected, (person, mark, surface)


@pytest.mark.parametrize("person", PEOPLE)
def test_lists_show_only_what_the_reader_may_see(
    personas: Any, products: dict[str, Any], person: str
) -> None:
    client = client_for(personas, person)
    expected = {p.pk for mark, p in products.items() if person in MAY_READ[mark]}
    listed = {row["id"] for row in client.get("/api/v1/products").json()}
    assert listed == expected
    page = client.get(reverse("reports:list")).content.decode()
    for product in products.values():
        assert (f'data-product-id="{product.pk}"' in page) == (product.pk in expected)


def test_reads_of_amber_products_are_audited(personas: Any, products: dict[str, Any]) -> None:
    client = client_for(personas, "analyst")
    before = AuditEntry.objects.count()
    client.get(url("detail", products[TLP.AMBER]))
    client.get(url("detail", products[TLP.GREEN]))
    assert AuditEntry.objects.count() == before + 1


def test_figure_page_lists_the_events_behind_a_figure_the_reader_may_see(
    personas: Any, products: dict[str, Any], marked_events: MarkedEvents
) -> None:
    product = products[TLP.GREEN]
    page = client_for(personas, "analyst").get(
        reverse("reports:figure", args=[product.pk, "new-events"])
    )
    html = page.content.decode()
    assert f'data-event-id="{marked_events.clear.pk}"' in html
    assert f'data-event-id="{marked_events.green.pk}"' in html
    assert f'data-event-id="{marked_events.amber.pk}"' not in html


def test_detail_page_links_each_figure_and_shows_the_left_out_note(
    personas: Any, products: dict[str, Any]
) -> None:
    product = products[TLP.GREEN]
    html = client_for(personas, "analyst").get(url("detail", product)).content.decode()
    assert reverse("reports:figure", args=[product.pk, "new-deaths"]) in html
    assert "were left out" in html
    assert 'dir="ltr"' in html


def test_review_and_publish_through_pages_and_api(
    personas: Any, products: dict[str, Any], second_analyst: Any
) -> None:
    product = products[TLP.GREEN]
    review = reverse("reports:transition", args=[product.pk, "review"])
    # The author may not review their own product; an outsider gets 403
    assert client_for(personas, "analyst").post(review).status_code == 403
    assert client_for(personas, "other_org_analyst").post(review).status_code == 403
    assert client_for(personas, "public").post(review).status_code == 302  # to sign in
    colleague = Client()
    colleague.force_login(second_analyst)
    assert colleague.post(review).status_code == 302
    response = client_for(personas, "other_org_analyst").post(
        f"/api/v1/products/{product.pk}/publish", {"note": ""}, content_type="application/json"
    )
    assert response.status_code == 403
    response = colleague.post(
        f"/api/v1/products/{product.pk}/publish",
        {"note": "ok"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == ProductStatus.PUBLISHED
    assert [h["to_status"] for h in response.json()["history"]] == [
        "draft",
        "reviewed",
        "published",
    ]


def test_todays_synopsis_page(personas: Any, marked_events: MarkedEvents) -> None:
    client = client_for(personas, "public")
    assert client.get(reverse("reports:synopsis-today", args=["ECOWAS"])).status_code == 404
    services.generate_synopsis(
        region="ECOWAS", date=dt.date.today(), owner=personas.ecowas, tlp=TLP.CLEAR
    )
    page = client.get(reverse("reports:synopsis-today", args=["ecowas"]))
    assert page.status_code == 200
    assert "Daily regional synopsis — ECOWAS" in page.content.decode()


def test_policy_brief_editor(personas: Any, marked_events: MarkedEvents) -> None:
    analyst = client_for(personas, "analyst")
    assert client_for(personas, "monitor").get(reverse("reports:brief-new")).status_code == 403
    response = analyst.post(
        reverse("reports:brief-new"),
        {
            "organisation": personas.ecowas.pk,
            "country": "NGA",
            "date": DAY.isoformat(),
            "tlp": TLP.AMBER,
            "language": "fr",
        },
    )
    assert response.status_code == 302
    edit_url = response["Location"]
    form = analyst.get(edit_url).content.decode()
    assert "Exposez la situation" in form  # the French template is pre-filled
    assert 'dir="ltr"' in form
    saved = analyst.post(
        edit_url,
        {"title": "Nigéria", "summary": "Résumé.", "analysis": "", "recommendations": "Agir."},
    )
    assert saved.status_code == 302
    detail = analyst.get(saved["Location"]).content.decode()
    assert "Résumé." in detail
    assert client_for(personas, "other_org_analyst").get(edit_url).status_code == 404


def test_product_list_queries_do_not_grow_with_products(
    personas: Any, products: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = client_for(personas, "analyst")
    client.get("/api/v1/products")  # warm the session
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/products").json()) == len(products)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reports:list")).status_code == 200
