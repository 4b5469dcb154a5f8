"""CSV exports of recommendations and mandates, with an HXL hashtag row under the header.

The rows come from the selectors (the access policy is already applied); each export is
audited like any other read. Columns with no HXL hashtag get an empty tag cell, as the HXL
standard allows. Chatham House meeting records are never exported: statements carry no
attribution to export in the first place.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from vigil import csvsafe
from vigil.consultations.models import Mandate, Recommendation

# (header, HXL hashtag) pairs; HXL 1.1 core hashtags and attributes where one fits.
RECOMMENDATION_COLUMNS = [
    ("id", "#meta+id"),
    ("body", "#org+name+body"),
    ("regional_organisation", "#org+code+regional"),
    ("meeting", "#event+name"),
    ("meeting_date", "#date+meeting"),
    ("call_topic", "#sector+topic"),
    ("submitted_by", "#org+name+submitter"),
    ("paper", "#meta+title"),
    ("position", ""),
    ("recommendation", "#description"),
    ("status", "#status"),
    ("mandate_id", "#meta+mandate"),
    ("tlp", "#meta+tlp"),
]
MANDATE_COLUMNS = [
    ("id", "#meta+id"),
    ("body", "#org+name+body"),
    ("endorsed_at", "#event+name"),
    ("endorsed_on", "#date+start"),
    ("mandate", "#description"),
    ("assignee", "#org+name+impl"),
    ("unit", "#org+unit"),
    ("deadline", "#date+end"),
    ("progress", "#status+reported"),
    ("follow_up_status", "#status"),
    ("submitted_by", "#org+name+submitter"),
    ("recommendation_id", "#meta+recommendation"),
    ("tlp", "#meta+tlp"),
]


def _write(columns: list[tuple[str, str]], rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    writer.writerow([tag for _, tag in columns])
    writer.writerows(rows)
    return buffer.getvalue()


def recommendations_csv(recommendations: Iterable[Recommendation]) -> str:
    """Recommendations with their paper, meeting and decision, one row each."""

    def row(item: Recommendation) -> list[object]:
        submission = item.submission
        meeting = submission.call.meeting
        mandate = getattr(item, "mandate", None) if item.status == "endorsed" else None
        return [
            item.pk,
            meeting.body.name,
            meeting.body.regional_organisation_id,
            meeting.title,
            meeting.starts_at.date().isoformat(),
            submission.call.topic,
            submission.owner_org.name,
            submission.title,
            item.position,
            item.text,
            item.status,
            mandate.pk if mandate else "",
            item.tlp,
        ]

    return _write(RECOMMENDATION_COLUMNS, (row(r) for r in recommendations))


def mandates_csv(mandates: Iterable[Mandate]) -> str:
    """Mandates with their owner, deadline, reported progress and computed status."""

    def row(mandate: Mandate) -> list[object]:
        return [
            mandate.pk,
            mandate.body.name,
            mandate.endorsed_at_meeting.title,
            mandate.endorsed_at_meeting.starts_at.date().isoformat(),
            mandate.text,
            mandate.assignee.name,
            mandate.unit,
            mandate.deadline.isoformat(),
            mandate.progress,
            mandate.follow_up_status(),
            mandate.recommendation.submission.owner_org.name,
            mandate.recommendation_id,
            mandate.tlp,
        ]

    return _write(MANDATE_COLUMNS, (row(m) for m in mandates))
