"""Request and response schemas of the consultations API (`api.py` holds the routes)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from vigil.consultations import selectors
from vigil.consultations.choices import (
    DocumentKind,
    MandateProgress,
    MeetingStatus,
    PaperStatus,
)
from vigil.inputs import Day, DbId, Input
from vigil.sharing.choices import TLP

TlpMark = Literal[tuple(TLP.values)]  # type: ignore[valid-type]


# --------------------------------------------------------------------------------


class BodyMemberOut(Schema):
    organisation: str
    name: str
    kind: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.organisation.name


class BodyOut(Schema):
    slug: str
    name: str
    regional_organisation: str = Field(alias="regional_organisation_id")
    owner_org: str
    mandate: str
    tlp: str

    @staticmethod
    def resolve_owner_org(obj) -> str:
        return obj.owner_org.slug


class BodyDetail(BodyOut):
    members: list[BodyMemberOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return selectors.members_of(obj)


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    description: str


class MeetingOut(Schema):
    id: int
    body: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    status: str
    chatham_house: bool
    tlp: str
    uid: str
    sequence: int

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.body.slug

    @staticmethod
    def resolve_uid(obj) -> str:
        return f"{obj.uid}@vigil"


class StatementOut(Schema):
    """A statement of the record. Under the Chatham House rule both speaker fields are
    always empty: the database refuses to store them."""

    position: int
    agenda_item: int | None = Field(None, alias="agenda_item_id")
    text: str
    speaker_organisation: str | None
    speaker_name: str

    @staticmethod
    def resolve_speaker_organisation(obj) -> str | None:
        return obj.speaker_organisation.name if obj.speaker_organisation_id else None


class MandateOut(Schema):
    id: int
    body: str
    recommendation: int = Field(alias="recommendation_id")
    endorsed_at_meeting: int = Field(alias="endorsed_at_meeting_id")
    text: str
    assignee: str
    unit: str
    deadline: Day
    progress: str
    follow_up_status: str
    submitted_by: str
    tlp: str

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.body.slug

    @staticmethod
    def resolve_assignee(obj) -> str:
        return obj.assignee.slug

    @staticmethod
    def resolve_follow_up_status(obj) -> str:
        return obj.follow_up_status()

    @staticmethod
    def resolve_submitted_by(obj) -> str:
        return obj.recommendation.submission.owner_org.slug


class FollowUpOut(Schema):
    mandate: MandateOut
    reported: bool
    progress: str | None
    note: str | None


class MeetingDetail(MeetingOut):
    agenda: list[AgendaItemOut]
    statements: list[StatementOut]
    follow_up: list[FollowUpOut]

    @staticmethod
    def resolve_agenda(obj) -> list:
        return selectors.agenda_of(obj)

    @staticmethod
    def resolve_statements(obj) -> list:
        return selectors.statements_of(obj)

    @staticmethod
    def resolve_follow_up(obj) -> list:
        # Computed by the route for the reader (the mandates they may see).
        return [
            {
                "mandate": item.mandate,
                "reported": item.report is not None,
                "progress": item.report.progress if item.report else None,
                "note": item.report.note if item.report else None,
            }
            for item in obj.follow_up_for_reader
        ]


class CallOut(Schema):
    id: int
    meeting: int = Field(alias="meeting_id")
    topic: str
    description: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    word_limit: int
    max_recommendations: int
    is_open: bool
    tlp: str

    @staticmethod
    def resolve_is_open(obj) -> bool:
        return obj.is_open()


class RecommendationOut(Schema):
    id: int
    position: int
    text: str
    status: str
    mandate: int | None

    @staticmethod
    def resolve_mandate(obj) -> int | None:
        mandate = getattr(obj, "mandate", None) if obj.status == PaperStatus.ENDORSED else None
        return mandate.pk if mandate else None


class SubmissionStepOut(Schema):
    recommendation: int | None = Field(None, alias="recommendation_id")
    from_status: str
    to_status: str
    actor: str
    reason: str
    at: dt.datetime

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor.get_username()


class SubmissionOut(Schema):
    id: int
    call: int = Field(alias="call_id")
    organisation: str
    title: str
    text: str
    word_count: int
    has_file: bool
    status: str
    tlp: str
    submitted_at: dt.datetime
    recommendations: list[RecommendationOut]

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.owner_org.slug

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_recommendations(obj) -> list:
        return selectors.recommendations_of(obj)


class SubmissionDetail(SubmissionOut):
    history: list[SubmissionStepOut]

    @staticmethod
    def resolve_history(obj) -> list:
        return selectors.history_of(obj)


class MeetingIn(Input):
    body: str = Field(description="Slug of the body")
    title: str = Field(min_length=1, max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = Field("", max_length=200)
    chatham_house: bool = False
    description: str = ""
    agenda: list[str] = Field(default_factory=list)
    tlp: TlpMark = TLP.GREEN


class MeetingChangeIn(Input):
    """Only the fields sent are changed; calendars get the change (SEQUENCE + 1)."""

    title: str | None = Field(None, min_length=1, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = Field(None, max_length=200)
    status: Literal[tuple(MeetingStatus.values)] | None = None  # type: ignore[valid-type]
    chatham_house: bool | None = Field(
        None, description="Cannot be lifted once statements are recorded under the rule"
    )
    description: str | None = None


class AgendaItemIn(Input):
    title: str = Field(min_length=1, max_length=300)
    description: str = ""


class DocumentIn(Input):
    kind: Literal[tuple(DocumentKind.values)]  # type: ignore[valid-type]
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1)
    is_draft: bool = True
    tlp: TlpMark = TLP.GREEN


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    text: str
    is_draft: bool
    tlp: str
    created_at: dt.datetime


class StatementIn(Input):
    text: str = Field(min_length=1)
    agenda_item: DbId | None = None
    speaker_organisation: str | None = Field(
        None, description="Slug of the delegation; refused under the Chatham House rule"
    )
    speaker_name: str = Field("", max_length=200, description="Refused under the rule")


class CallIn(Input):
    topic: str = Field(min_length=1, max_length=300)
    description: str = ""
    opens_at: dt.datetime
    closes_at: dt.datetime
    word_limit: int = Field(ge=1, le=100_000)
    max_recommendations: int = Field(10, ge=0, le=100)
    tlp: TlpMark = TLP.CLEAR


class SubmissionIn(Input):
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=200_000)
    recommendations: list[str] = Field(default_factory=list)
    organisation: DbId | None = Field(None, description="Needed if you act for several CSOs")
    tlp: TlpMark = TLP.GREEN


class SubmissionDecisionIn(Input):
    to: Literal["considered", "endorsed", "not_endorsed"]
    reason: str = ""


class RecommendationDecisionIn(SubmissionDecisionIn):
    assignee: str | None = Field(None, description="Slug of the mandate's owner (to endorse)")
    unit: str = ""
    deadline: Day | None = Field(None, description="The mandate's deadline (to endorse)")
    mandate_text: str = Field(
        "", description="The mandate as worded; the recommendation's by default"
    )
    mandate_tlp: TlpMark = TLP.GREEN


class FollowUpIn(Input):
    progress: Literal[tuple(MandateProgress.values)]  # type: ignore[valid-type]
    note: str = Field(min_length=1)
    meeting: DbId | None = Field(None, description="The later meeting this report is made at")
