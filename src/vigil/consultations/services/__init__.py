"""Writes of structured consultation: bodies and meetings, calls, papers, their review, and
the mandates endorsed recommendations become.

Each service is atomic, takes the acting person, checks they may act, and records every
change of state as a row (`MeetingChange`, `ReviewStep`, `MandateUpdate`) in the same
transaction. Callers import this package; the modules split it by stage of the process.
"""

from vigil.consultations.services.meetings import (
    add_agenda_item,
    add_document,
    change_meeting,
    create_body,
    record_statement,
    require_secretariat,
    schedule_meeting,
    seat_member,
    send_meeting_invites,
)
from vigil.consultations.services.review import (
    MandateTerms,
    can_report_on,
    consider_recommendation,
    consider_submission,
    decide_recommendation,
    decide_submission,
    decline_recommendation,
    endorse_recommendation,
    report_follow_up,
)
from vigil.consultations.services.submissions import (
    MAX_PAPER_BYTES,
    PaperInput,
    count_words,
    open_call,
    submit_paper,
    submitting_organisation,
    validate_paper,
)

__all__ = [
    "MAX_PAPER_BYTES",
    "MandateTerms",
    "PaperInput",
    "add_agenda_item",
    "add_document",
    "can_report_on",
    "change_meeting",
    "consider_recommendation",
    "consider_submission",
    "count_words",
    "create_body",
    "decide_recommendation",
    "decide_submission",
    "decline_recommendation",
    "endorse_recommendation",
    "open_call",
    "record_statement",
    "report_follow_up",
    "require_secretariat",
    "schedule_meeting",
    "seat_member",
    "send_meeting_invites",
    "submit_paper",
    "submitting_organisation",
    "validate_paper",
]
