"""Field reports: at-most-once submission, the review workflow and verification into events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import EventFactory
from vigil.events.choices import LinkRule, Source
from vigil.events.models import Event, EventLink
from vigil.fieldreports.choices import ReviewStatus
from vigil.fieldreports.models import FieldReport
from vigil.fieldreports.services import (
    ReportInput,
    reject_report,
    request_more_information,
    resubmit_report,
    start_review,
    submit_report,
    verify_report,
)
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.usefixtures("reference_geography")


def incident(**overrides: object) -> ReportInput:
    values: dict = {
        "date_start": dt.date(2026, 11, 20),
        "country_id": "NGA",
        "category": "armed_clash",
        "description": "Gunmen attacked Kawuri market at dawn.",
        "credibility": 2,
        "latitude": 11.9,
        "longitude": 13.3,
        "fatalities": 4,
    }
    return ReportInput(**(values | overrides))


def test_same_idempotency_key_returns_the_first_report(personas) -> None:
    first, created = submit_report(monitor=personas.monitor, data=incident(), idempotency_key="k1")
    again, created_again = submit_report(
        monitor=personas.monitor, data=incident(), idempotency_key="k1"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert FieldReport.objects.count() == 1
    # The same key for a different report is refused, naming the field: never dropped.
    with pytest.raises(ValidationError) as refused:
        submit_report(
            monitor=personas.monitor, data=incident(description="edited"), idempotency_key="k1"
        )
    assert "description" in refused.value.message_dict["Idempotency-Key"][0]
    assert first.owner_org == personas.ecowas
    assert first.transitions.get().to_status == ReviewStatus.SUBMITTED


def test_only_monitors_submit(personas) -> None:
    with pytest.raises(ValidationError) as refused:
        submit_report(monitor=personas.analyst, data=incident())
    assert "organisation" in refused.value.message_dict


def test_bad_input_names_each_field(personas) -> None:
    future = dt.date.today() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        submit_report(
            monitor=personas.monitor,
            data=incident(date_start=future, latitude=95.0, description=" "),
        )
    assert set(refused.value.message_dict) == {"date_start", "latitude", "description"}
    assert FieldReport.objects.count() == 0


def test_needs_info_goes_back_to_the_monitor_who_resubmits(personas) -> None:
    report, _ = submit_report(monitor=personas.monitor, data=incident())
    # the analyst of another organisation may not review it
    with pytest.raises(PermissionDenied):
        start_review(report=report, actor=personas.other_org_analyst)
    request_more_information(report=report, actor=personas.analyst, reason="Which village?")
    resubmit_report(report=report, actor=personas.monitor, data=incident(location="Kawuri"))
    report.refresh_from_db()
    assert report.status == ReviewStatus.SUBMITTED
    assert report.location == "Kawuri"
    steps = [(t.from_status, t.to_status) for t in report.transitions.all()]
    assert steps == [
        ("", ReviewStatus.SUBMITTED),
        (ReviewStatus.SUBMITTED, ReviewStatus.NEEDS_INFO),
        (ReviewStatus.NEEDS_INFO, ReviewStatus.SUBMITTED),
    ]


def test_verified_report_becomes_an_event_with_its_grade_and_mark(personas) -> None:
    reviewer = personas.analyst
    report, _ = submit_report(monitor=personas.monitor, data=incident(tlp=TLP.AMBER))
    start_review(report=report, actor=reviewer)
    verify_report(report=report, actor=reviewer, reliability="B")
    report.refresh_from_db()
    event = Event.objects.get(source=Source.FIELD_REPORT)
    assert report.event == event
    assert event.admiralty_grade == "B2"
    assert (event.tlp, event.owner_org) == (TLP.AMBER, personas.ecowas)
    assert event.fatalities_best == 4
    with pytest.raises(ValidationError):
        verify_report(report=report, actor=reviewer, reliability="B")


def test_verified_report_can_be_linked_to_an_existing_ucdp_event(personas) -> None:
    reviewer = personas.analyst
    ged = EventFactory(source=Source.UCDP_GED, latitude=11.9, longitude=13.31,
                       date_start=dt.date(2026, 11, 20))  # fmt: skip
    report, _ = submit_report(monitor=personas.monitor, data=incident())
    verify_report(report=report, actor=reviewer, reliability="C", link_to=ged)
    link = EventLink.objects.get()
    assert link.rule == LinkRule.ANALYST
    assert {link.event_id, link.other_id} == {ged.pk, report.event_id}


def test_rejected_report_is_kept_with_its_reason(personas) -> None:
    reviewer = personas.analyst
    report, _ = submit_report(monitor=personas.monitor, data=incident())
    with pytest.raises(ValidationError):
        reject_report(report=report, actor=reviewer, reason="")
    reject_report(report=report, actor=reviewer, reason="Duplicate of an earlier report")
    report.refresh_from_db()
    assert report.status == ReviewStatus.REJECTED
    assert report.transitions.last().reason == "Duplicate of an earlier report"
    assert Event.objects.filter(source=Source.FIELD_REPORT).count() == 0
