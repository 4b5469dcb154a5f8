"""`/api/v1/alerts`: alerts the caller may see, CAP 1.2 export and import, and the
lifecycle (draft → issued → updated → cancelled) for the owning organisation's analysts."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from vigil.alerts import importing, selectors, services
from vigil.alerts.cap import CapRejected, to_cap_xml
from vigil.alerts.choices import AlertStatus, CapCategory, Certainty, Language, Severity, Urgency
from vigil.bounds import OFFSET_MAX
from vigil.inputs import DbId, Input, Iso3, RegionCode
from vigil.openapi import TEXT, answers
from vigil.sharing.choices import TLP, Surface
from vigil.sharing.policy import record_reads

router = Router(tags=["alerts"])

CAP_CONTENT_TYPE = "application/cap+xml; charset=utf-8"
TlpMark = Literal[tuple(TLP.values)]  # type: ignore[valid-type]
LanguageCode = Literal[tuple(Language.values)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(AlertStatus.values)]  # type: ignore[valid-type]


class InfoSchema(Input):
    language: LanguageCode
    headline: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=20_000)
    instruction: str = Field("", max_length=5_000)


class CircleIn(Input):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_km: float = Field(gt=0, le=20_000)


class GeocodeIn(Input):
    valueName: str = Field(min_length=1, max_length=100)
    value: str = Field(min_length=1, max_length=100)


class AreaSchema(Input):
    description: str = Field(min_length=1, max_length=500)
    polygons: list[list[list[float]]] = Field(
        default_factory=list, description="Each polygon a list of [latitude, longitude] points"
    )
    circles: list[CircleIn] = Field(
        default_factory=list, description='{"lat": .., "lon": .., "radius_km": ..}'
    )
    geocodes: list[GeocodeIn] = Field(
        default_factory=list, description='{"valueName": "ISO3", "value": "NGA"}'
    )


class AlertIn(Input):
    event: str = Field(min_length=1, max_length=255)
    region: RegionCode | None = Field(None, description="Regional organisation code, e.g. ECOWAS")
    countries: list[Iso3] = Field(default_factory=list, description="ISO 3166-1 alpha-3 codes")
    infos: list[InfoSchema] = Field(min_length=1)
    areas: list[AreaSchema] = Field(default_factory=list)
    category: Literal[tuple(CapCategory.values)] = CapCategory.SECURITY  # type: ignore[valid-type]
    urgency: Literal[tuple(Urgency.values)] = Urgency.EXPECTED  # type: ignore[valid-type]
    severity: Literal[tuple(Severity.values)] = Severity.SEVERE  # type: ignore[valid-type]
    certainty: Literal[tuple(Certainty.values)] = Certainty.POSSIBLE  # type: ignore[valid-type]
    cap_status: Literal["Actual", "Exercise", "Test", "System"] = "Actual"
    tlp: TlpMark = TLP.GREEN
    onset: dt.datetime | None = None
    expires: dt.datetime | None = None
    event_ids: list[DbId] = Field(default_factory=list)
    organisation: DbId | None = Field(None, description="Needed if you write for several")

    def to_input(self) -> services.AlertInput:
        return services.AlertInput(
            event=self.event,
            region_id=self.region.upper() if self.region else None,
            country_ids=[c.upper() for c in self.countries],
            infos=[services.InfoInput(**i.dict()) for i in self.infos],
            areas=[services.AreaInput(**a.dict()) for a in self.areas],
            category=self.category,
            urgency=self.urgency,
            severity=self.severity,
            certainty=self.certainty,
            cap_status=self.cap_status,
            tlp=self.tlp,
            onset=self.onset,
            expires=self.expires,
            event_ids=self.event_ids,
        )


class AlertTransitionOut(Schema):
    from_status: str
    to_status: str
    actor: str | None
    note: str
    at: dt.datetime
    msg_type: str
    identifier: str
    sent: dt.datetime | None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_username() if obj.actor else None


class AlertOut(Schema):
    id: int
    status: str
    identifier: str
    sender: str
    sent: dt.datetime | None
    cap_status: str
    msg_type: str
    scope: str
    references: str
    category: str
    event: str
    urgency: str
    severity: str
    certainty: str
    issued_at: dt.datetime | None
    expires: dt.datetime | None
    region: str | None = Field(None, alias="region_id")
    countries: list[str]
    source: str
    tlp: str
    owner_org: str
    infos: list[InfoSchema]
    cap_url: str

    @staticmethod
    def resolve_countries(obj) -> list[str]:
        return [c.pk for c in obj.countries.all()]

    @staticmethod
    def resolve_owner_org(obj) -> str:
        return obj.owner_org.slug

    @staticmethod
    def resolve_infos(obj) -> list:
        return list(obj.infos.all())

    @staticmethod
    def resolve_cap_url(obj) -> str:
        return f"/alerts/{obj.pk}.cap.xml"


class AlertDetail(AlertOut):
    areas: list[AreaSchema]
    rule: str | None
    event_ids: list[int]
    escalation_ids: list[int]
    forecast_ids: list[int]
    history: list[AlertTransitionOut]

    @staticmethod
    def resolve_areas(obj) -> list:
        return list(obj.areas.all())

    @staticmethod
    def resolve_rule(obj) -> str | None:
        return obj.rule.name if obj.rule else None

    @staticmethod
    def resolve_history(obj) -> list:
        return selectors.history_of(obj)


class TransitionIn(Input):
    to: Literal["issued", "updated", "cancelled"]
    note: str = Field("", max_length=5_000)
    content: AlertIn | None = Field(None, description="New content, for an update")


class RuleIn(Input):
    region: RegionCode = Field(description="Regional organisation code, e.g. ECOWAS")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["escalation", "forecast"]
    level: Literal["", "country", "admin1"] = ""
    min_surprise: float | None = Field(None, ge=0, description="-log10 p of the escalation")
    min_effect: float | None = Field(None, ge=0, description="(observed+1)/(expected+1)")
    measure: Literal["", "p_any", "p_ge25"] = ""
    threshold: float | None = Field(None, gt=0, lt=1)
    horizon: int | None = Field(None, ge=1, le=36, description="Months ahead")
    severity: Literal[tuple(Severity.values)] = Severity.SEVERE  # type: ignore[valid-type]
    valid_days: int = Field(30, ge=1, le=365)
    organisation: DbId | None = None


class RuleOut(Schema):
    id: int
    region: str = Field(alias="region_id")
    organisation: str
    name: str
    kind: str
    is_active: bool
    level: str
    min_surprise: float | None
    min_effect: float | None
    measure: str
    threshold: float | None
    horizon: int | None
    severity: str
    valid_days: int

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug


class ImportOut(Schema):
    created: bool
    alert: AlertDetail


@router.get("", response=list[AlertOut], summary="Alerts you may see, newest first")
def list_alerts(
    request: HttpRequest,
    region: RegionCode | None = None,
    status: StatusCode | None = None,
    country: Iso3 | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
) -> list:
    alerts = selectors.list_alerts(request.user, region=region, status=status, country=country)
    page = list(alerts[offset : offset + limit])
    record_reads(page, request.user, surface=Surface.API)
    return page


@router.get("/rules", response=list[RuleOut], summary="Alert rules, by region")
def list_rules(request: HttpRequest, region: RegionCode | None = None) -> list:
    return list(selectors.rules_of(region.upper() if region else None))


@router.post("/rules", response={201: RuleOut}, auth=django_auth, summary="Add an alert rule")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status:
    data = payload.dict(exclude={"region", "organisation"})
    rule = services.create_rule(
        actor=request.user,
        data=services.RuleInput(region_id=payload.region.upper(), **data),
        organisation_id=payload.organisation,
    )
    return Status(201, selectors.rule_for(rule.pk))


@router.post("", response={201: AlertDetail}, auth=django_auth, summary="Raise a draft alert")
def raise_alert(request: HttpRequest, payload: AlertIn) -> Status:
    alert = services.raise_alert(
        actor=request.user, data=payload.to_input(), organisation_id=payload.organisation
    )
    return Status(201, selectors.alert_for(request.user, alert.pk))


@router.post(
    "/import",
    response={200: ImportOut, 201: ImportOut},
    auth=django_auth,
    summary="Import a partner's CAP 1.2 alert",
    description="The body is one CAP 1.2 XML message. Refused (422, with line numbers) if it "
    "declares a DTD or entities, or breaks the OASIS schema. The same message (sender, "
    "identifier, sent) imported again returns 200 and changes nothing.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
def import_cap(
    request: HttpRequest,
    tlp: TlpMark | None = None,
    region: RegionCode | None = None,
    country: list[Iso3] = Query(default_factory=list),
    organisation: DbId | None = None,
) -> Status | HttpResponse:
    try:
        result = importing.import_cap(
            request.body,
            actor=request.user,
            organisation_id=organisation,
            tlp=tlp,
            region_id=region.upper() if region else None,
            country_ids=country,
        )
    except CapRejected as exc:
        from vigil.api.core import problem  # the API module mounts this router: import late

        return problem(
            request,
            status=422,
            title="CAP alert refused",
            detail=exc.reason,
            errors=[{"field": "body", **e} for e in exc.errors],
        )
    alert = selectors.alert_for(request.user, result.alert.pk)
    return Status(201 if result.created else 200, {"created": result.created, "alert": alert})


@router.get("/{alert_id}", response=AlertDetail, summary="One alert with its history")
def get_alert(request: HttpRequest, alert_id: DbId) -> object:
    alert = selectors.alert_for(request.user, alert_id)
    record_reads([alert], request.user, surface=Surface.API)
    return alert


@router.get(
    "/{alert_id}/cap",
    summary="The alert as an OASIS CAP 1.2 message",
    response={200: None},
    openapi_extra=answers((CAP_CONTENT_TYPE, TEXT)),
)
def get_cap(request: HttpRequest, alert_id: DbId) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    record_reads([alert], request.user, surface=Surface.EXPORT)
    return HttpResponse(to_cap_xml(alert), content_type=CAP_CONTENT_TYPE)


@router.post(
    "/{alert_id}/transitions",
    response=AlertDetail,
    auth=django_auth,
    summary="Issue, update or cancel an alert",
    description="`issued` from a draft; `updated` (with a note, optionally new `content`) "
    "from issued or updated; `cancelled` (with a note) from draft, issued or updated.",
)
def transition(request: HttpRequest, alert_id: DbId, payload: TransitionIn) -> object:
    alert = selectors.alert_for(request.user, alert_id)
    if payload.to == AlertStatus.ISSUED:
        services.issue_alert(alert=alert, actor=request.user, note=payload.note)
    elif payload.to == AlertStatus.UPDATED:
        content = payload.content.to_input() if payload.content else None
        services.update_alert(alert=alert, actor=request.user, note=payload.note, data=content)
    else:
        services.cancel_alert(alert=alert, actor=request.user, note=payload.note)
    return selectors.alert_for(request.user, alert_id)
