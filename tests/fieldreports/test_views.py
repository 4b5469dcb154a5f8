"""Field-report pages through Django's test client: the form, the lists, a report's page, its
attachments and the reviewer's decisions, each seen by the personas who may and may not."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.personas import Personas
from vigil.actors.choices import Role
from vigil.events.models import Event
from vigil.fieldreports.choices import Channel, ReviewStatus
from vigil.fieldreports.models import FieldReport
from vigil.fieldreports.services import ReportInput, request_more_information, submit_report
from vigil.geo.models import AdminArea
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.usefixtures("reference_geography")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LAST_WEEK = timezone.now().date() - dt.timedelta(days=7)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    """What a monitor types into the form for a clash in Borno last week."""
    values = {
        "idempotency_key": str(uuid.uuid4()),
        "date_start": LAST_WEEK.isoformat(),
        "date_end": "",
        "country": "NGA",
        "admin1": "",
        "location": "Kawuri",
        "latitude": "11.9",
        "longitude": "13.3",
        "category": "armed_clash",
        "actor1": "Armed group",
        "actor2": "Traders",
        "fatalities": "4",
        "injured": "7",
        "description": "Gunmen attacked Kawuri market at dawn.",
        "sources": "Two traders by phone",
        "credibility": "2",
        "tlp": TLP.AMBER,
    }
    return values | overrides


def file_report(monitor: Any, **overrides: Any) -> FieldReport:
    values: dict[str, Any] = {
        "date_start": LAST_WEEK,
        "country_id": "NGA",
        "category": "armed_clash",
        "description": "Gunmen attacked Kawuri market at dawn.",
        "credibility": 2,
        "latitude": 11.9,
        "longitude": 13.3,
    }
    attachments = overrides.pop("attachments", None)
    report, _ = submit_report(
        monitor=monitor, data=ReportInput(**(values | overrides)), attachments=attachments
    )
    return report


def report_url(report: FieldReport, name: str = "detail") -> str:
    return reverse(f"fieldreports:{name}", args=[report.pk])


# --------------------------------------------------------------------------- sign-in


@pytest.mark.parametrize("name", ["new", "mine", "queue"])
def test_pages_send_anonymous_visitors_to_sign_in(client: Client, personas, name: str) -> None:
    url = reverse(f"fieldreports:{name}")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_report_page_sends_anonymous_visitors_to_sign_in(client: Client, personas) -> None:
    report = file_report(personas.monitor)
    response = client.get(report_url(report))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --------------------------------------------------------------------------- the form


def test_form_offers_a_fresh_key_amber_by_default_and_a_map_only_on_demand(personas) -> None:
    client = signed_in(personas.monitor)

    first = client.get(reverse("fieldreports:new"))
    second = client.get(reverse("fieldreports:new"))

    assert first.status_code == 200
    keys = [
        re.search(r'name="idempotency_key" value="([^"]+)"', r.text).group(1)
        for r in (first, second)
    ]
    assert keys[0] != keys[1]
    assert re.search(r'<input type="radio" name="tlp" value="AMBER"[^>]*checked', first.text)
    # each TLP mark comes with its one-line explanation
    assert "TLP:AMBER+STRICT — your organisation only" in first.text
    # Leaflet is not on the page; the button that fetches it is hidden until JavaScript runs
    assert "leaflet.js" in first.text  # as a data- attribute only
    assert not re.search(r"<script[^>]+leaflet", first.text)
    assert re.search(r'<button[^>]*id="pick-on-map"[^>]*hidden', first.text)
    # CSP: no inline code or style
    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", first.text))
    assert " style=" not in first.text


def test_submitting_files_the_report_and_shows_its_page(personas) -> None:
    client = signed_in(personas.monitor)

    response = client.post(reverse("fieldreports:new"), form_data())

    report = FieldReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report_url(report)
    assert (report.monitor, report.owner_org, report.channel) == (
        personas.monitor,
        personas.ecowas,
        Channel.WEB,
    )
    assert (report.location, report.fatalities, report.injured) == ("Kawuri", 4, 7)
    assert report.date_end == report.date_start
    assert (report.credibility, report.tlp, report.status) == (2, TLP.AMBER, "submitted")
    page = client.get(response["Location"])
    assert "Report received" in page.text


def test_double_post_with_the_same_key_files_one_report(personas) -> None:
    client = signed_in(personas.monitor)
    data = form_data()

    first = client.post(reverse("fieldreports:new"), data)
    again = client.post(reverse("fieldreports:new"), data)

    assert FieldReport.objects.count() == 1
    assert first["Location"] == again["Location"]
    assert "already been received" in client.get(again["Location"]).text
    # Sent again with a change under the same key: said, not silently dropped.
    edited = client.post(reverse("fieldreports:new"), data | {"description": "resent"})
    assert FieldReport.objects.count() == 1
    assert edited.status_code == 200
    assert "was already used for a different request" in edited.text


def test_bad_input_is_shown_beside_each_field_and_nothing_is_filed(personas) -> None:
    client = signed_in(personas.monitor)
    tomorrow = timezone.now().date() + dt.timedelta(days=1)

    response = client.post(
        reverse("fieldreports:new"),
        form_data(
            date_start=tomorrow.isoformat(),
            latitude="95",
            category="",
            description="",
            fatalities="-1",
            tlp="PURPLE",
        ),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"latitude", "category", "description", "fatalities", "tlp"} <= set(errors)
    assert 'aria-invalid="true"' in response.text
    assert "Please correct the fields marked below." in response.text
    assert FieldReport.objects.count() == 0


def test_service_errors_land_on_the_field_they_name(personas) -> None:
    client = signed_in(personas.monitor)
    tomorrow = timezone.now().date() + dt.timedelta(days=1)

    data = form_data(date_start=tomorrow.isoformat(), longitude="")

    response = client.post(reverse("fieldreports:new"), data)

    errors = response.context["form"].errors
    assert errors["date_start"] == ["The incident cannot be in the future."]
    assert errors["latitude"] == ["Give both latitude and longitude, or neither."]
    # the key is kept, so correcting and resending still files at most one report
    assert f'value="{data["idempotency_key"]}"' in response.text
    assert FieldReport.objects.count() == 0


def test_a_file_of_the_wrong_type_is_refused_beside_the_attachments(personas) -> None:
    client = signed_in(personas.monitor)
    fake = SimpleUploadedFile("photo.png", b"not a picture", content_type="image/png")

    response = client.post(reverse("fieldreports:new"), form_data(attachments=[fake]))

    assert response.status_code == 200
    assert "only JPEG, PNG, WebP photos and PDF documents" in str(
        response.context["form"].errors["attachments"]
    )
    assert FieldReport.objects.count() == 0


def test_area_list_follows_the_country(client: Client, personas) -> None:
    borno = AdminArea.objects.create(country_id="NGA", level=1, name="Borno", key="borno")
    AdminArea.objects.create(country_id="MLI", level=1, name="Mopti", key="mopti")

    options = client.get(reverse("fieldreports:admin1-options"), {"country": "nga"})

    assert f'<option value="{borno.pk}">Borno</option>' in options.text
    assert "Mopti" not in options.text
    monitor = signed_in(personas.monitor)
    form_page = monitor.post(reverse("fieldreports:new"), form_data(country="MLI", admin1=borno.pk))
    assert form_page.context["form"].errors["admin1"] == ["This area is not in the chosen country."]
    assert "Mopti" in form_page.text  # the list now follows the country chosen
    monitor.post(reverse("fieldreports:new"), form_data(admin1=borno.pk))
    assert FieldReport.objects.get().admin1 == borno


def test_a_monitor_of_several_organisations_says_which_one(personas) -> None:
    MembershipFactory(user=personas.monitor, organisation=personas.wanep, role=Role.MONITOR)
    client = signed_in(personas.monitor)

    missing = client.post(reverse("fieldreports:new"), form_data())
    assert "organisation" in missing.context["form"].errors

    client.post(reverse("fieldreports:new"), form_data(organisation=personas.wanep.pk))
    assert FieldReport.objects.get().owner_org == personas.wanep


def test_people_who_are_not_monitors_are_told_why_they_cannot_report(personas) -> None:
    response = signed_in(personas.analyst).get(reverse("fieldreports:new"))
    assert response.status_code == 403
    assert "Only monitors of an organisation can send field reports" in response.text


# --------------------------------------------------------------------------- the report page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("monitor", 200),
        ("analyst", 200),
        ("decision_maker", 200),
        ("other_org_analyst", 404),
        ("unshared_analyst", 404),
        ("admin", 200),
    ],
)
def test_report_page_follows_the_policy(personas: Personas, persona: str, status: int) -> None:
    report = file_report(personas.monitor, tlp=TLP.AMBER)
    response = signed_in(getattr(personas, persona)).get(report_url(report))
    assert response.status_code == status


def test_missing_and_hidden_reports_look_alike(personas) -> None:
    report = file_report(personas.monitor)
    client = signed_in(personas.other_org_analyst)
    hidden = client.get(report_url(report))
    missing = client.get(reverse("fieldreports:detail", args=[report.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404


def test_report_page_shows_every_field_grade_mark_and_history(personas) -> None:
    report = file_report(
        personas.monitor, location="Kawuri", fatalities=4, injured=7, sources="Two traders"
    )

    response = signed_in(personas.analyst).get(report_url(report))

    for text in ("Kawuri", "Armed clash", "4 / 7", "Two traders", "TLP:AMBER", "Submitted"):
        assert text in response.text
    assert "Admiralty grade F2" in response.text
    assert "2 — probably true" in response.text
    history = response.context["history"]
    assert [step.to_status for step in history] == [ReviewStatus.SUBMITTED]


def test_reviewers_see_decision_forms_and_others_do_not(personas) -> None:
    report = file_report(personas.monitor)

    reviewer = signed_in(personas.analyst).get(report_url(report))
    monitor = signed_in(personas.monitor).get(report_url(report))
    decision_maker = signed_in(personas.decision_maker).get(report_url(report))

    assert set(reviewer.context["decision_forms"]) == {
        "under_review",
        "needs_info",
        "rejected",
        "verified",
    }
    assert "Start review" in reviewer.text
    assert 'name="reliability"' in reviewer.text
    for page in (monitor, decision_maker):
        assert page.context["decision_forms"] == {}
        assert "Start review" not in page.text


def test_verifying_from_the_page_makes_an_event(personas) -> None:
    report = file_report(personas.monitor)
    client = signed_in(personas.analyst)

    response = client.post(report_url(report, "decide"), {"to": "verified", "reliability": "B"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reliability, report.admiralty_grade) == ("verified", "B", "B2")
    event = Event.objects.get(pk=report.event_id)
    assert (event.tlp, event.owner_org_id) == (TLP.AMBER, personas.ecowas.pk)
    page = client.get(report_url(report))
    assert "Decision recorded: Verified." in page.text
    assert page.context["decision_forms"] == {}  # nothing left to decide
    assert [s.to_status for s in page.context["history"]] == ["submitted", "verified"]


def test_verifying_needs_a_grade_and_sending_back_a_reason(personas) -> None:
    report = file_report(personas.monitor)
    client = signed_in(personas.analyst)

    ungraded = client.post(report_url(report, "decide"), {"to": "verified", "reliability": ""})
    unexplained = client.post(report_url(report, "decide"), {"to": "needs_info", "reason": " "})
    unjustified = client.post(report_url(report, "decide"), {"to": "rejected", "reason": ""})

    assert ungraded.context["decision_forms"]["verified"].errors["reliability"]
    assert unexplained.context["decision_forms"]["needs_info"].errors["reason"] == [
        "Say what information is needed."
    ]
    assert unjustified.context["decision_forms"]["rejected"].errors["reason"]
    assert 'id="needs_info-reason"' in unexplained.text
    report.refresh_from_db()
    assert report.status == ReviewStatus.SUBMITTED


def test_start_review_then_reject_with_a_reason(personas) -> None:
    report = file_report(personas.monitor)
    client = signed_in(personas.analyst)

    client.post(report_url(report, "decide"), {"to": "under_review"})
    client.post(report_url(report, "decide"), {"to": "rejected", "reason": "Rumour only."})

    report.refresh_from_db()
    assert report.status == ReviewStatus.REJECTED
    assert report.transitions.last().reason == "Rumour only."


def test_a_second_click_on_a_decision_taken_meanwhile_says_so(personas) -> None:
    report = file_report(personas.monitor)
    client = signed_in(personas.analyst)
    client.post(report_url(report, "decide"), {"to": "verified", "reliability": "B"})

    again = client.post(report_url(report, "decide"), {"to": "verified", "reliability": "B"})

    assert again["Location"] == report_url(report)
    assert "This report is already verified." in client.get(again["Location"]).text
    assert Event.objects.count() == 1


def test_linking_to_an_event_the_reviewer_cannot_see_is_refused(personas) -> None:
    report = file_report(personas.monitor)
    response = signed_in(personas.analyst).post(
        report_url(report, "decide"), {"to": "verified", "reliability": "B", "link_to": 999999}
    )
    assert response.context["decision_forms"]["verified"].errors["link_to"]
    report.refresh_from_db()
    assert report.status == ReviewStatus.SUBMITTED


@pytest.mark.parametrize(
    ("persona", "status"), [("other_org_analyst", 404), ("decision_maker", 403), ("monitor", 403)]
)
def test_only_reviewers_of_the_owner_decide(personas: Personas, persona: str, status: int) -> None:
    report = file_report(personas.monitor)

    response = signed_in(getattr(personas, persona)).post(
        report_url(report, "decide"), {"to": "verified", "reliability": "A"}
    )

    assert response.status_code == status
    report.refresh_from_db()
    assert report.status == ReviewStatus.SUBMITTED


def test_the_monitor_amends_a_report_sent_back(personas) -> None:
    report = file_report(personas.monitor)
    request_more_information(report=report, actor=personas.analyst, reason="Which village?")
    client = signed_in(personas.monitor)

    page = client.get(report_url(report))
    assert "Which village?" in page.text
    assert report_url(report, "amend") in page.text
    form = client.get(report_url(report, "amend"))
    assert form.context["form"]["description"].value() == report.description
    data = form_data(location="Kawuri, Konduga LGA")
    del data["idempotency_key"]
    response = client.post(report_url(report, "amend"), data)

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.location) == ("submitted", "Kawuri, Konduga LGA")
    assert report.transitions.last().reason == "amended"


def test_only_the_monitor_amends_and_only_when_sent_back(personas) -> None:
    report = file_report(personas.monitor)
    assert signed_in(personas.analyst).get(report_url(report, "amend")).status_code == 403
    not_waiting = signed_in(personas.monitor).get(report_url(report, "amend"))
    assert not_waiting["Location"] == report_url(report)


# --------------------------------------------------------------------------- attachments


def test_attachments_are_listed_and_downloaded_only_by_those_who_may_see_the_report(
    personas,
) -> None:
    photo = SimpleUploadedFile("market.png", PNG, content_type="image/png")
    report = file_report(personas.monitor, attachments=[photo])
    attachment = report.attachments.get()
    url = reverse("fieldreports:attachment", args=[report.pk, attachment.pk])

    page = signed_in(personas.analyst).get(report_url(report))
    assert "market.png" in page.text
    assert url in page.text

    for allowed in (personas.monitor, personas.analyst):
        response = signed_in(allowed).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert "attachment" in response["Content-Disposition"]
        assert "market.png" in response["Content-Disposition"]
    assert signed_in(personas.other_org_analyst).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in
    # an attachment id of another report does not open through this one
    other = file_report(personas.monitor)
    wrong = reverse("fieldreports:attachment", args=[other.pk, attachment.pk])
    assert signed_in(personas.monitor).get(wrong).status_code == 404


def test_the_monitor_uploads_attachments_with_the_form(personas) -> None:
    client = signed_in(personas.monitor)
    photo = SimpleUploadedFile("market.png", PNG, content_type="image/png")
    document = SimpleUploadedFile("note.pdf", b"%PDF-1.4 test", content_type="application/pdf")

    client.post(reverse("fieldreports:new"), form_data(attachments=[photo, document]))

    names = sorted(FieldReport.objects.get().attachments.values_list("original_name", flat=True))
    assert names == ["market.png", "note.pdf"]


# --------------------------------------------------------------------------- lists


def test_my_reports_lists_only_the_monitors_own(personas) -> None:
    mine = file_report(personas.monitor, location="Kawuri")
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, organisation=personas.ecowas, role=Role.MONITOR)
    theirs = file_report(colleague, location="Gwoza")

    response = signed_in(personas.monitor).get(reverse("fieldreports:mine"))

    listed = [r.pk for r in response.context["page"].object_list]
    assert listed == [mine.pk]
    assert f'data-report-id="{theirs.pk}"' not in response.text


def test_my_reports_is_paginated(personas) -> None:
    for day in range(30):
        file_report(personas.monitor, date_start=LAST_WEEK - dt.timedelta(days=day))
    client = signed_in(personas.monitor)

    first = client.get(reverse("fieldreports:mine"))
    second = client.get(reverse("fieldreports:mine"), {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2" in first.text


def test_review_queue_is_for_reviewers(personas) -> None:
    assert signed_in(personas.monitor).get(reverse("fieldreports:queue")).status_code == 403
    assert signed_in(personas.analyst).get(reverse("fieldreports:queue")).status_code == 200


def test_review_queue_shows_the_reviewers_organisation_only(personas) -> None:
    ecowas_report = file_report(personas.monitor, tlp=TLP.GREEN)
    igad_monitor = UserFactory(username="igad_monitor")
    MembershipFactory(user=igad_monitor, organisation=personas.igad, role=Role.MONITOR)
    igad_report = file_report(igad_monitor, tlp=TLP.GREEN)

    ecowas = signed_in(personas.analyst).get(reverse("fieldreports:queue"))
    igad = signed_in(personas.other_org_analyst).get(reverse("fieldreports:queue"))

    assert [r.pk for r in ecowas.context["page"].object_list] == [ecowas_report.pk]
    assert [r.pk for r in igad.context["page"].object_list] == [igad_report.pk]


def test_review_queue_filters_by_status_country_category_and_dates(personas) -> None:
    old_clash = file_report(personas.monitor, date_start=LAST_WEEK - dt.timedelta(days=30))
    protest = file_report(personas.monitor, category="protest")
    in_mali = file_report(personas.monitor, country_id="MLI", latitude=14.5, longitude=-4.2)
    sent_back = file_report(personas.monitor)
    request_more_information(report=sent_back, actor=personas.analyst, reason="Where?")
    client = signed_in(personas.analyst)

    def listed(**query: str) -> set[int]:
        response = client.get(reverse("fieldreports:queue"), query)
        assert response.status_code == 200
        return {r.pk for r in response.context["page"].object_list}

    assert listed() == {old_clash.pk, protest.pk, in_mali.pk}  # waiting for a decision
    assert listed(status="needs_info") == {sent_back.pk}
    assert listed(status="all") == {old_clash.pk, protest.pk, in_mali.pk, sent_back.pk}
    assert listed(country="MLI") == {in_mali.pk}
    assert listed(category="protest") == {protest.pk}
    assert listed(date_to=(LAST_WEEK - dt.timedelta(days=1)).isoformat()) == {old_clash.pk}
    assert listed(date_from=LAST_WEEK.isoformat(), country="NGA") == {protest.pk}
    # the queue is oldest first
    response = client.get(reverse("fieldreports:queue"))
    assert [r.pk for r in response.context["page"].object_list] == [
        old_clash.pk,
        protest.pk,
        in_mali.pk,
    ]


def test_review_queue_reports_a_bad_filter(personas) -> None:
    response = signed_in(personas.analyst).get(
        reverse("fieldreports:queue"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.context["form"].errors["date_to"]


def test_review_queue_query_count_does_not_grow_with_the_page(
    personas, django_assert_max_num_queries
) -> None:
    for _ in range(25):
        file_report(personas.monitor)
    client = signed_in(personas.analyst)
    client.get(reverse("fieldreports:queue"))  # warm caches (content types, session)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("fieldreports:queue"))

    assert len(response.context["page"].object_list) == 25


def test_monitors_of_another_org_never_see_the_queue_entries(personas) -> None:
    # An IGAD monitor files an AMBER report: ECOWAS's queue does not show it
    igad_monitor = UserFactory(username="igad_monitor")
    MembershipFactory(
        user=igad_monitor, organisation=OrganisationFactory(slug="igad"), role=Role.MONITOR
    )
    file_report(igad_monitor)
    response = signed_in(personas.analyst).get(reverse("fieldreports:queue"), {"status": "all"})
    assert list(response.context["page"].object_list) == []
