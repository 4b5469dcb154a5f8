"""`/api/v1/subscriptions`: each signed-in person manages their own subscriptions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from vigil.dissemination import selectors, services
from vigil.dissemination.choices import SUBSCRIBABLE, Language, Severity
from vigil.inputs import DbId, Input, Iso3, RegionCode

router = Router(tags=["dissemination"], auth=django_auth)

KindCode = Literal[tuple(value for value, _label in SUBSCRIBABLE)]  # type: ignore[valid-type]
SeverityCode = Literal[tuple(Severity.values)]  # type: ignore[valid-type]
LanguageCode = Literal[tuple(Language.values)]  # type: ignore[valid-type]


class SubscriptionIn(Input):
    region: RegionCode | None = None
    country: Iso3 | None = None
    kind: KindCode | None = Field(None, description="Empty: every kind")
    min_severity: SeverityCode = Field(Severity.UNKNOWN, description="Applies to alerts")
    language: LanguageCode = Language.EN

    def to_input(self) -> services.SubscriptionInput:
        return services.SubscriptionInput(
            region_code=self.region,
            country_id=self.country,
            kind=self.kind or "",
            min_severity=self.min_severity,
            language=self.language,
        )


class SubscriptionOut(Schema):
    id: int
    region: str | None = Field(None, alias="region_id")
    country: str | None = Field(None, alias="country_id")
    kind: str | None
    min_severity: str
    language: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind(obj) -> str | None:
        return obj.kind or None


@router.get("", response=list[SubscriptionOut], summary="Your subscriptions")
def list_subscriptions(request: HttpRequest) -> list:
    return list(selectors.subscriptions_of(request.user))


@router.post("", response={201: SubscriptionOut}, summary="Subscribe")
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> Status:
    subscription = services.subscribe(actor=request.user, data=payload.to_input())
    return Status(201, subscription)


@router.get("/{subscription_id}", response=SubscriptionOut, summary="One of your subscriptions")
def get_subscription(request: HttpRequest, subscription_id: DbId) -> object:
    return selectors.subscription_for(request.user, subscription_id)


@router.put("/{subscription_id}", response=SubscriptionOut, summary="Change a subscription")
def change_subscription(
    request: HttpRequest, subscription_id: DbId, payload: SubscriptionIn
) -> object:
    subscription = selectors.subscription_for(request.user, subscription_id)
    return services.update_subscription(
        subscription=subscription, actor=request.user, data=payload.to_input()
    )


@router.delete("/{subscription_id}", response={204: None}, summary="Unsubscribe")
def delete_subscription(request: HttpRequest, subscription_id: DbId) -> Status:
    subscription = selectors.subscription_for(request.user, subscription_id)
    services.unsubscribe(subscription=subscription, actor=request.user)
    return Status(204, None)
