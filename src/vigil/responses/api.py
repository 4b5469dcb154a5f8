"""`/api/v1/responses`: the response loop of each alert and the gap between warning and action.

Reads answer only what the caller may see: an alert's proposals, responders, actions and
assessments follow the alert's TLP mark (anonymous callers see those of TLP:CLEAR alerts).
Writes need a signed-in analyst of the alert's organisation or a person of an assigned
responder; refusals are problem+json (403, 404 alike for missing and unreadable, 422).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from vigil.alerts.models import Alert
from vigil.bounds import DB_ID_MAX
from vigil.inputs import Day, DbId, Input, RegionCode
from vigil.responses import selectors, services
from vigil.responses.choices import ActionStatus, ResponderRole, ResponseKind
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads, record_reads_of

router = Router(tags=["responses"])

Status_ = Literal["planned", "under_way", "done", "abandoned"]
RoleCode = Literal["lead", "support", "funding", "monitoring"]
Move = Literal["under_way", "done", "abandoned"]
# The schemas spell the vocabularies out for the OpenAPI document; they must not drift.
assert set(get_args(Status_)) == set(ActionStatus.values)
assert set(get_args(RoleCode)) == set(ResponderRole.values)


class OptionOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    description: str
    typical_lead_time_days: int
    typical_actors: str


class ProposalIn(Input):
    option: DbId = Field(description="A response option's id (see /responses/options)")
    rationale: str = Field("", max_length=5_000)


class ProposalOut(Schema):
    id: int
    option: OptionOut
    rationale: str
    proposed_by: str
    proposed_at: dt.datetime

    @staticmethod
    def resolve_proposed_by(obj) -> str:
        return obj.proposed_by.get_username()


class ResponderIn(Input):
    organisation: DbId
    role: RoleCode
    note: str = Field("", max_length=5_000)


class ResponderOut(Schema):
    id: int
    organisation: int = Field(alias="organisation_id")
    organisation_name: str
    role: str
    note: str
    assigned_by: str
    assigned_at: dt.datetime

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_assigned_by(obj) -> str:
        return obj.assigned_by.get_username()


class ActionIn(Input):
    responder: DbId = Field(description="The assigned organisation that acts")
    option: DbId | None = Field(None, description="The response option it carries out")
    description: str = Field(min_length=1, max_length=20_000)
    status: Status_ = "planned"
    started_on: Day | None = None
    completed_on: Day | None = None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    on: Day
    note: str
    actor: str
    at: dt.datetime

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor.get_username()


class ActionOut(Schema):
    id: int
    alert: int = Field(alias="alert_id")
    responder: int = Field(alias="responder_id")
    responder_name: str
    option: int | None = Field(None, alias="option_id")
    description: str
    status: str
    started_on: Day | None
    completed_on: Day | None
    recorded_by: str
    recorded_at: dt.datetime
    history: list[StatusChangeOut]

    @staticmethod
    def resolve_responder_name(obj) -> str:
        return obj.responder.name

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return obj.recorded_by.get_username()

    @staticmethod
    def resolve_history(obj) -> list:
        return list(obj.status_changes.all())


class StatusIn(Input):
    to: Move
    on: Day | None = Field(None, description="The day it happened (default today)")
    note: str = Field("", max_length=5_000)


class AssessmentIn(Input):
    effect: int = Field(ge=-1, le=3, description="-1 harmful … 0 none … 3 decisive")
    evidence: str = Field(min_length=1, max_length=20_000)
    assessed_on: Day | None = None
    action: DbId | None = Field(None, description="Assess one action rather than the whole")


class AssessmentOut(Schema):
    id: int
    action: int | None = Field(None, alias="action_id")
    effect: int
    effect_label: str
    evidence: str
    assessed_on: Day
    assessed_by: str
    assessor_org: str

    @staticmethod
    def resolve_effect_label(obj) -> str:
        return str(obj.get_effect_display())

    @staticmethod
    def resolve_assessed_by(obj) -> str:
        return obj.assessed_by.get_username()

    @staticmethod
    def resolve_assessor_org(obj) -> str:
        return obj.assessor_org.name


class LoopOut(Schema):
    alert: int
    issued_on: Day | None
    first_action_on: Day | None
    days_to_first_action: int | None
    days_waiting: int | None
    proposals: list[ProposalOut]
    responders: list[ResponderOut]
    actions: list[ActionOut]
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_alert(obj) -> int:
        return obj.alert.pk


class ActedWithinOut(Schema):
    window_days: int
    hits: int
    eligible: int
    not_yet_eligible: int
    ratio: float | None


class BinOut(Schema):
    bin: str
    count: int


class SummaryOut(Schema):
    alerts: int
    acted: int
    waiting: int
    median_days: float | None = Field(description="Over alerts that got an action")
    km_median_days: float | None = Field(
        description="Kaplan–Meier median, counting alerts still waiting as censored"
    )
    distribution: list[BinOut]
    within_7: ActedWithinOut
    within_30: ActedWithinOut

    @staticmethod
    def resolve_distribution(obj) -> list[dict]:
        return [{"bin": label, "count": count} for label, count in obj.distribution]


class GroupOut(Schema):
    key: str
    label: str
    summary: SummaryOut

    @staticmethod
    def resolve_key(obj) -> str:
        return str(obj.key)


class OpenGapOut(Schema):
    alert: int
    event: str
    region: str | None
    issued_on: Day
    age_days: int
    responders: list[str]

    @staticmethod
    def resolve_alert(obj) -> int:
        return obj.alert.pk

    @staticmethod
    def resolve_event(obj) -> str:
        return obj.alert.event

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.alert.region_id


class GapOut(Schema):
    as_of: Day
    overall: SummaryOut
    by_region: list[GroupOut]
    by_responder: list[GroupOut]
    open_gaps: list[OpenGapOut]


class GapQuery(Schema):
    region: RegionCode | None = None
    issued_from: Day | None = None
    issued_to: Day | None = None
    as_of: Day | None = Field(None, description="Compute as on this day (default today)")


class TrackRecordOut(Schema):
    organisation_id: int
    actions_taken: int
    actions_completed: int
    positive_outcomes: int
    median_days_to_act: float | None


def _loop(request: HttpRequest, alert: Alert) -> selectors.ResponseLoop:
    record_reads([alert], request.user, surface=Surface.API)
    return selectors.response_loop(alert)


@router.get("/options", response=list[OptionOut], summary="The library of response options")
def list_options(request: HttpRequest, kind: ResponseKind | None = None) -> list:
    return list(selectors.response_options(kind=kind))


@router.get("/alerts/{alert_id}", response=LoopOut, summary="An alert's response loop")
def get_loop(request: HttpRequest, alert_id: DbId) -> selectors.ResponseLoop:
    return _loop(request, selectors.alert_for(request.user, alert_id))


@router.post(
    "/alerts/{alert_id}/proposals",
    response={201: ProposalOut},
    auth=django_auth,
    summary="Propose a response option for an alert",
)
def propose(request: HttpRequest, alert_id: DbId, payload: ProposalIn) -> Status:
    alert = selectors.alert_for(request.user, alert_id)
    option = selectors.option_by_id(payload.option)
    proposal = services.propose_response(
        alert=alert, option=option, actor=request.user, rationale=payload.rationale
    )
    return Status(201, proposal)


@router.post(
    "/alerts/{alert_id}/responders",
    response={201: ResponderOut},
    auth=django_auth,
    summary="Assign an organisation to respond (a TLP:AMBER alert is shared with it)",
)
def assign(request: HttpRequest, alert_id: DbId, payload: ResponderIn) -> Status:
    alert = selectors.alert_for(request.user, alert_id)
    assignment = services.assign_responder(
        alert=alert,
        organisation=selectors.organisation_by_id(payload.organisation),
        role=payload.role,
        actor=request.user,
        note=payload.note,
    )
    return Status(201, assignment)


@router.post(
    "/alerts/{alert_id}/actions",
    response={201: ActionOut},
    auth=django_auth,
    summary="Record an action of an assigned responder",
)
def record(request: HttpRequest, alert_id: DbId, payload: ActionIn) -> Status:
    alert = selectors.alert_for(request.user, alert_id)
    action = services.record_action(
        alert=alert,
        responder=selectors.organisation_by_id(payload.responder),
        option=selectors.option_by_id(payload.option) if payload.option else None,
        actor=request.user,
        description=payload.description,
        status=payload.status,
        started_on=payload.started_on,
        completed_on=payload.completed_on,
    )
    return Status(201, selectors.action_for(request.user, action.pk))


@router.get("/actions", response=list[ActionOut], summary="Actions on the alerts you may see")
def list_actions(
    request: HttpRequest,
    alert: int | None = Query(None, ge=1, le=DB_ID_MAX),
    responder: int | None = Query(None, ge=1, le=DB_ID_MAX),
    status: ActionStatus | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list:
    filters = {"alert_id": alert, "responder_id": responder, "status": status}
    actions = list(
        selectors.actions_visible_to(
            request.user, **{k: v for k, v in filters.items() if v is not None}
        )
        .select_related("alert")
        .prefetch_related("status_changes__actor")[:limit]
    )
    marks = {(a.alert_id, a.alert.tlp) for a in actions}
    record_reads_of(Alert, marks, request.user, surface=Surface.API)
    return actions


@router.get("/actions/{action_id}", response=ActionOut, summary="One action with its history")
def get_action(request: HttpRequest, action_id: DbId) -> object:
    action = selectors.action_for(request.user, action_id)
    record_reads([action.alert], request.user, surface=Surface.API)
    return action


@router.post(
    "/actions/{action_id}/status",
    response=ActionOut,
    auth=django_auth,
    summary="Move an action on: under way, done or abandoned",
)
def move(request: HttpRequest, action_id: DbId, payload: StatusIn) -> object:
    action = selectors.action_for(request.user, action_id)
    services.change_action_status(
        action=action, to=payload.to, actor=request.user, on=payload.on, note=payload.note
    )
    return selectors.action_for(request.user, action_id)


@router.post(
    "/alerts/{alert_id}/assessments",
    response={201: AssessmentOut},
    auth=django_auth,
    summary="Assess the outcome of the response (or of one action)",
)
def assess(request: HttpRequest, alert_id: DbId, payload: AssessmentIn) -> Status:
    alert = selectors.alert_for(request.user, alert_id)
    action = selectors.action_for(request.user, payload.action) if payload.action else None
    assessment = services.assess_outcome(
        alert=alert,
        actor=request.user,
        effect=payload.effect,
        evidence=payload.evidence,
        assessed_on=payload.assessed_on,
        action=action,
    )
    return Status(201, assessment)


@router.get(
    "/gap",
    response=GapOut,
    summary="The gap between warning and action",
    description="Time from an alert's issue to its first action (median, Kaplan–Meier median, "
    "distribution) and the shares acted on within 7 and 30 days, overall, per region and per "
    "responder, over the issued alerts you may see. An N-day share counts only alerts issued "
    "more than N days before `as_of`; younger ones are reported as `not_yet_eligible`.",
)
def gap(request: HttpRequest, query: Query[GapQuery]) -> selectors.GapReport:
    report = selectors.gap_report(
        request.user,
        as_of=query.as_of,
        region=query.region,
        issued_from=query.issued_from,
        issued_to=query.issued_to,
    )
    record_reads([row.alert for row in report.open_gaps], request.user, surface=Surface.API)
    return report


@router.get(
    "/track-records",
    response=list[TrackRecordOut],
    auth=django_auth,
    summary="Responders' track records (counts over the alerts you may see)",
)
def track_records(request: HttpRequest, organisation: list[DbId] = Query(...)) -> list:
    records = selectors.track_records(organisation, user=request.user)
    return list(records.values())
