"""`/api/v1/reports`: monitors submit (at most once per Idempotency-Key); analysts review."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from vigil.bounds import COUNT_MAX, DB_ID_MAX
from vigil.events.choices import Category
from vigil.fieldreports import importing, selectors, services
from vigil.fieldreports.choices import Channel, ReviewStatus
from vigil.inputs import Day, DbId, Input
from vigil.sharing.choices import TLP, Surface
from vigil.sharing.policy import record_reads

router = Router(tags=["field reports"], auth=django_auth)

CategoryCode = Literal[tuple(Category.values)]  # type: ignore[valid-type]
TlpMark = Literal[tuple(TLP.values)]  # type: ignore[valid-type]


class ReportIn(Input):
    date_start: Day
    date_end: Day | None = None
    country: str = Field(pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3")
    admin1: int | None = Field(None, ge=1, le=DB_ID_MAX, description="Admin1 area id (see /areas)")
    location: str = Field("", max_length=300)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    category: CategoryCode
    actor1: str = Field("", max_length=300)
    actor2: str = Field("", max_length=300)
    fatalities: int = Field(0, ge=0, le=COUNT_MAX, description=f"At most {COUNT_MAX:,}")
    injured: int = Field(0, ge=0, le=COUNT_MAX, description=f"At most {COUNT_MAX:,}")
    description: str = Field(min_length=1, max_length=20_000)
    sources: str = Field("", max_length=5_000)
    credibility: int = Field(ge=1, le=6, description="Admiralty 1 (confirmed) … 6 (unknown)")
    tlp: TlpMark = TLP.AMBER
    organisation: int | None = Field(
        None, ge=1, le=DB_ID_MAX, description="Needed if you monitor for several"
    )

    def to_input(self) -> services.ReportInput:
        return services.ReportInput(
            date_start=self.date_start,
            date_end=self.date_end,
            country_id=self.country.upper(),
            admin1_id=self.admin1,
            location=self.location,
            latitude=self.latitude,
            longitude=self.longitude,
            category=self.category,
            actor1=self.actor1,
            actor2=self.actor2,
            fatalities=self.fatalities,
            injured=self.injured,
            description=self.description,
            sources=self.sources,
            credibility=self.credibility,
            tlp=self.tlp,
        )


class ReportTransitionOut(Schema):
    from_status: str
    to_status: str
    actor: str
    reason: str
    at: dt.datetime

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor.get_username()


class ReportOut(Schema):
    id: int
    status: str
    channel: str
    date_start: Day
    date_end: Day
    country: str = Field(alias="country_id")
    admin1: int | None = Field(None, alias="admin1_id")
    location: str
    latitude: float | None
    longitude: float | None
    category: str
    actor1: str
    actor2: str
    fatalities: int
    injured: int
    description: str
    sources: str
    admiralty_grade: str
    tlp: str
    owner_org: str
    event: int | None = Field(None, alias="event_id")
    submitted_at: dt.datetime

    @staticmethod
    def resolve_owner_org(obj) -> str:
        return obj.owner_org.slug


class ReportDetail(ReportOut):
    history: list[ReportTransitionOut]

    @staticmethod
    def resolve_history(obj) -> list:
        return selectors.history_of(obj)


class ReportDecisionIn(Input):
    to: Literal["under_review", "needs_info", "verified", "rejected"]
    reason: str = ""
    reliability: Literal["A", "B", "C", "D", "E", "F"] | None = Field(
        None, description="Required to verify: the organisation's grade of the source"
    )
    link_to: DbId | None = Field(None, description="An existing event this report describes")


@router.post(
    "",
    response={200: ReportOut, 201: ReportOut},
    summary="Submit a field report",
    description=(
        "Send an `Idempotency-Key` header (any unique string per report, e.g. a UUID): a retry "
        "with the same key returns the first result with status 200 and creates nothing."
    ),
)
def submit(
    request: HttpRequest,
    payload: ReportIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=128),
) -> Status:
    report, created = services.submit_report(
        monitor=request.user,
        data=payload.to_input(),
        channel=Channel.API,
        idempotency_key=idempotency_key,
        organisation_id=payload.organisation,
    )
    return Status(201 if created else 200, selectors.report_for(request.user, report.pk))


class BatchOut(Schema):
    created: int
    updated: int
    unchanged: int


@router.post(
    "/csv",
    response=BatchOut,
    summary="Upload a CSV of reports (all or nothing)",
    description=f"Columns: {', '.join(importing.CSV_COLUMNS)}. Any bad row refuses the file "
    "with 422 and one error per row and field. Uploading the same file again creates nothing.",
)
def upload_csv(
    request: HttpRequest, file: File[UploadedFile], organisation: DbId | None = None
) -> importing.BatchReport:
    return importing.import_reports_csv(
        monitor=request.user, content=file.read(), organisation_id=organisation
    )


@router.post(
    "/odk",
    response=BatchOut,
    summary="Import ODK Central / KoboToolbox submissions (JSON export)",
    description="Edited submissions (rootUuid or the instanceID/deprecatedID chain) update "
    "their report. Submitters who are Vigil users file as themselves; others as the caller.",
)
def import_odk(request: HttpRequest, form_id: str, payload: dict) -> importing.BatchReport:
    return importing.import_odk_submissions(payload=payload, form_id=form_id, monitor=request.user)


@router.get("", response=list[ReportOut], summary="Reports you may see, newest first")
def list_reports(
    request: HttpRequest,
    status: ReviewStatus | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list:
    filters = {"status": status} if status else {}
    reports = list(selectors.reports_visible_to(request.user, **filters)[:limit])
    record_reads(reports, request.user, surface=Surface.API)
    return reports


@router.get("/{report_id}", response=ReportDetail, summary="One report with its history")
def get_report(request: HttpRequest, report_id: DbId) -> object:
    report = selectors.report_for(request.user, report_id)
    record_reads([report], request.user, surface=Surface.API)
    return report


@router.post("/{report_id}/decision", response=ReportDetail, summary="Review a report")
def decide(
    request: HttpRequest, report_id: DbId, payload: ReportDecisionIn
) -> HttpResponse | object:
    report = selectors.report_for(request.user, report_id)
    services.decide_report(
        report=report,
        actor=request.user,
        to=payload.to,
        reason=payload.reason,
        reliability=payload.reliability,
        link_to_id=payload.link_to,
    )
    return selectors.report_for(request.user, report_id)
