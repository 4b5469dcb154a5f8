"""CSV exports with HXL hashtags: one tag row under the header, a column per field."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import timezone

from tests.consultations.conftest import paper
from vigil.consultations import exports, selectors, services


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_recommendations_export_one_row_each_with_hxl_tags(rsc, call) -> None:
    services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())
    rows = rows_of(exports.recommendations_csv(selectors.recommendations_visible_to(rsc.delegate)))
    header, tags, *data = rows
    assert len(header) == len(tags) == len(exports.RECOMMENDATION_COLUMNS)
    assert all(tag == "" or tag.startswith("#") for tag in tags)
    record = [dict(zip(header, row, strict=True)) for row in data]
    assert [(r["submitted_by"], r["position"], r["status"]) for r in record] == [
        ("Pacific Women Mediators", "1", "in_review"),
        ("Pacific Women Mediators", "2", "in_review"),
    ]
    assert record[0]["regional_organisation"] == "PIF"


def test_mandates_export_the_computed_status(rsc, meeting, call) -> None:
    submission, _ = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())
    services.consider_submission(submission=submission, actor=rsc.secretariat)
    mandate = services.endorse_recommendation(
        recommendation=submission.recommendations.first(),
        actor=rsc.secretariat,
        terms=services.MandateTerms(
            assignee=rsc.forum, deadline=timezone.localdate() + dt.timedelta(days=90),
            unit="Political and Security Programme",
        ),
    )  # fmt: skip
    header, tags, row = rows_of(exports.mandates_csv([mandate]))
    record = dict(zip(header, row, strict=True))
    assert dict(zip(header, tags, strict=True))["deadline"] == "#date+end"
    assert record["assignee"] == "Pacific Islands Forum Secretariat"
    assert record["unit"] == "Political and Security Programme"
    assert record["follow_up_status"] == "not_started"
    assert record["endorsed_at"] == meeting.title
