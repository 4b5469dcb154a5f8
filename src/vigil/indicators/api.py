"""`/api/v1/indicators` (public sets) and `/api/v1/observations` (monitors file, analysts review).

Observations are read through the access policy like every protected record: a CLEAR one is
public, anything else answers 404 to those who may not see it. Writes need a signed-in user.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from vigil.fieldreports.api import BatchOut
from vigil.fieldreports.choices import Channel, ReviewStatus
from vigil.fieldreports.importing import BatchReport
from vigil.indicators import importing, selectors, services
from vigil.indicators.choices import Period
from vigil.inputs import Day, DbId, Input, Iso3, Slug
from vigil.sharing.choices import TLP, Surface
from vigil.sharing.policy import record_reads

indicators_router = Router(tags=["indicators"])
observations_router = Router(tags=["indicator observations"])

TlpMark = Literal[tuple(TLP.values)]  # type: ignore[valid-type]
PeriodCode = Literal[tuple(Period.values)]  # type: ignore[valid-type]


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    direction: str
    phase: str = Field(description="pre, during or post for election sets; empty otherwise")
    scale_min: int
    scale_max: int
    scale_labels: dict[str, str]
    order: int


class IndicatorSetOut(Schema):
    code: str
    name: str
    description: str
    version: str
    indicators: list[IndicatorOut]


class ObservationIn(Input):
    indicator_set: str = Field(description="Code of the indicator set (see /indicators)")
    country: str = Field(min_length=3, max_length=3, description="ISO 3166-1 alpha-3")
    admin1: DbId | None = Field(None, description="Admin1 area id (see /areas)")
    period: PeriodCode  # type: ignore[valid-type]
    period_start: Day = Field(description="A Monday for weekly, the 1st for monthly")
    values: dict[str, int] = Field(description="Score per indicator code, on its scale")
    value_notes: dict[str, str] = Field({}, description="Optional note per indicator code")
    notes: str = Field("", max_length=20_000, description="Overall reading of the period")
    tlp: TlpMark = TLP.AMBER  # type: ignore[valid-type]
    organisation: DbId | None = Field(None, description="Needed if you monitor for several")

    def to_service(self) -> dict[str, Any]:
        """The service's keyword arguments for what the payload says."""
        return {
            "indicator_set": self.indicator_set,
            "country_id": self.country.upper(),
            "admin1_id": self.admin1,
            "period": self.period,
            "period_start": self.period_start,
            "values": self.values,
            "value_notes": self.value_notes,
            "notes": self.notes,
            "tlp": self.tlp,
            "organisation_id": self.organisation,
        }


class ObservationQuery(Schema):
    status: ReviewStatus | None = None
    indicator_set: Slug | None = Field(None, description="Indicator set code")
    country: Iso3 | None = None
    period: PeriodCode | None = None  # type: ignore[valid-type]

    def filters(self) -> dict[str, object]:
        """ORM filters for the values given."""
        given = {
            "status": self.status,
            "indicator_set__code": self.indicator_set,
            "country_id": self.country.upper() if self.country else None,
            "period": self.period,
        }
        return {name: value for name, value in given.items() if value}


class ObservationResubmissionIn(Input):
    values: dict[str, int] = Field(description="Amended scores; indicators not named keep theirs")
    value_notes: dict[str, str] = {}
    notes: str | None = Field(None, max_length=20_000, description="Replaces the overall notes")


class ObservationDecisionIn(Input):
    to: Literal["under_review", "needs_info", "verified", "rejected"]
    reason: str = Field("", max_length=5_000, description="Required to send back or reject")


class ObservationValueOut(Schema):
    indicator: str
    value: int
    notes: str

    @staticmethod
    def resolve_indicator(obj) -> str:
        return obj.indicator.code


class ObservationTransitionOut(Schema):
    from_status: str
    to_status: str
    actor: str
    reason: str
    at: dt.datetime

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor.get_username()


class ObservationOut(Schema):
    id: int
    status: str
    channel: str
    indicator_set: str
    country: str = Field(alias="country_id")
    admin1: int | None = Field(None, alias="admin1_id")
    period: str
    period_start: Day
    values: list[ObservationValueOut]
    notes: str
    tlp: str
    owner_org: str
    submitted_at: dt.datetime

    @staticmethod
    def resolve_indicator_set(obj) -> str:
        return obj.indicator_set.code

    @staticmethod
    def resolve_values(obj) -> list:
        return list(obj.values.all())

    @staticmethod
    def resolve_owner_org(obj) -> str:
        return obj.owner_org.slug


class ObservationDetail(ObservationOut):
    history: list[ObservationTransitionOut]

    @staticmethod
    def resolve_history(obj) -> list:
        return selectors.history_of(obj)


@indicators_router.get("", response=list[IndicatorSetOut], summary="Indicator sets to observe")
def list_indicator_sets(request: HttpRequest) -> list:
    return list(selectors.indicator_sets())


@observations_router.post(
    "",
    auth=django_auth,
    response={200: ObservationOut, 201: ObservationOut},
    summary="File a periodic observation",
    description=(
        "Send an `Idempotency-Key` header (any unique string per observation, e.g. a UUID): a "
        "retry with the same key returns the first result with status 200 and creates nothing."
    ),
)
def submit(
    request: HttpRequest,
    payload: ObservationIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=128),
) -> Status:
    observation, created = services.submit_observation(
        monitor=request.user,
        channel=Channel.API,
        idempotency_key=idempotency_key,
        **payload.to_service(),
    )
    return Status(201 if created else 200, selectors.observation_for(request.user, observation.pk))


@observations_router.post(
    "/csv",
    response=BatchOut,
    auth=django_auth,
    summary="Upload a CSV of observations (all or nothing)",
    description="One row per observation: indicator_set, country, admin1, period, "
    "period_start, notes, tlp, optional key, and one column per indicator code (its value; "
    "`<code>_notes` for a note). A re-upload creates nothing.",
)
def upload_observations_csv(
    request: HttpRequest, file: File[UploadedFile], organisation: DbId | None = None
) -> BatchReport:
    return importing.import_observations_csv(
        monitor=request.user, content=file.read(), organisation_id=organisation
    )


@observations_router.post(
    "/odk",
    response=BatchOut,
    auth=django_auth,
    summary="Import observation submissions from ODK Central / KoboToolbox (JSON export)",
)
def import_observations_odk(request: HttpRequest, payload: dict) -> BatchReport:
    return importing.import_observation_submissions(payload=payload, monitor=request.user)


@observations_router.get("", response=list[ObservationOut], summary="Observations you may see")
def list_observations(
    request: HttpRequest,
    query: Query[ObservationQuery],
    limit: int = Query(100, ge=1, le=1000),
) -> list:
    found = selectors.observations_visible_to(request.user, **query.filters())
    observations = list(found[:limit])
    record_reads(observations, request.user, surface=Surface.API)
    return observations


@observations_router.get(
    "/{observation_id}", response=ObservationDetail, summary="One observation with its history"
)
def get_observation(request: HttpRequest, observation_id: DbId) -> object:
    observation = selectors.observation_for(request.user, observation_id)
    record_reads([observation], request.user, surface=Surface.API)
    return observation


@observations_router.post(
    "/{observation_id}/decision",
    auth=django_auth,
    response=ObservationDetail,
    summary="Review an observation",
)
def decide(request: HttpRequest, observation_id: DbId, payload: ObservationDecisionIn) -> object:
    observation = selectors.observation_for(request.user, observation_id)
    services.decide_observation(
        observation=observation, actor=request.user, to=payload.to, reason=payload.reason
    )
    return selectors.observation_for(request.user, observation_id)


@observations_router.post(
    "/{observation_id}/resubmission",
    auth=django_auth,
    response=ObservationDetail,
    summary="Amend and resubmit an observation sent back for more information",
)
def resubmit(
    request: HttpRequest, observation_id: DbId, payload: ObservationResubmissionIn
) -> object:
    observation = selectors.observation_for(request.user, observation_id)
    services.resubmit_observation(
        observation=observation, actor=request.user, **payload.model_dump()
    )
    return selectors.observation_for(request.user, observation_id)
