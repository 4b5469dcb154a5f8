"""The one NinjaAPI: problem+json errors (RFC 9457) and the mounting of each app's router."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from vigil.api import contract
from vigil.events.selectors import InvalidFilter
from vigil.fieldreports.importing import BatchRejected


class VigilAPI(NinjaAPI):
    """The API, with its document declaring what the server accepts: besides the session
    cookie, every operation that needs a signed-in caller takes an API token as
    `Authorization: Bearer <token>` (actors.middleware.ApiTokenMiddleware)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = contract.complete(super().get_openapi_schema(*args, **kwargs))
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["BearerAuth"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token, issued by a platform admin",
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                security = operation.get("security")
                if security and {"BearerAuth": []} not in security:
                    security.append({"BearerAuth": []})
        return schema


api = VigilAPI(
    title="Vigil API",
    version="1",
    description=(
        "Open early-warning and early-response platform. Every list answers only what the "
        "caller may see under the TLP sharing policy; errors are application/problem+json."
    ),
    urls_namespace="api",
)


def problem(
    request: HttpRequest, *, status: int, title: str, detail: str = "", **extra: Any
) -> HttpResponse:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "reason": e.get("msg", "")}
        for e in exc.errors
    ]
    return problem(request, status=422, title="Invalid request", detail="", errors=errors)


@api.exception_handler(InvalidFilter)
def on_invalid_filter(request: HttpRequest, exc: InvalidFilter) -> HttpResponse:
    return problem(
        request,
        status=400,
        title="Invalid filter",
        detail=str(exc),
        errors=[{"field": exc.field, "reason": exc.reason}],
    )


@api.exception_handler(DjangoValidationError)
def on_domain_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the input: 422, one entry per field, like schema errors."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": name, "reason": " ".join(m for e in items for m in e.messages)}
            for name, items in exc.error_dict.items()
        ]
    else:
        errors = [{"field": "", "reason": message} for message in exc.messages]
    return problem(request, status=422, title="Invalid request", errors=errors)


@api.exception_handler(BatchRejected)
def on_batch_rejected(request: HttpRequest, exc: BatchRejected) -> HttpResponse:
    return problem(
        request,
        status=422,
        title="Nothing was saved",
        detail=str(exc),
        errors=[e.as_dict() for e in exc.errors],
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, status=403, title="Forbidden", detail=str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, status=404, title="Not found", detail="No such record.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, status=exc.status_code, title=str(exc.message))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return problem(
        request, status=413, title="Request too large",
        detail=f"The body is larger than the {limit:,} bytes this API accepts.",
    )  # fmt: skip


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Defence in depth: every number has a schema bound; one that reaches the database out
    of its range anyway is the client's error, not a server error."""
    return problem(
        request, status=422, title="Invalid request",
        detail="A value is out of the range this field can hold.",
    )  # fmt: skip


@api.exception_handler(IntegrityError)
def on_conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """Defence in depth: services check references and uniqueness with named errors; a
    constraint the database enforces first is a conflict, not a server error."""
    return problem(
        request, status=409, title="Conflict",
        detail="The request conflicts with a stored record or names one that does not exist.",
    )  # fmt: skip


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, status=401, title="Authentication required")


def _mount() -> None:
    from vigil.actors.api import router as actors_router
    from vigil.alerts.api import router as alerts_router
    from vigil.consultations.api import router as consultations_router
    from vigil.dissemination.api import router as dissemination_router
    from vigil.events.api import coverage_router, sources_router
    from vigil.events.api import router as events_router
    from vigil.fieldreports.api import router as fieldreports_router
    from vigil.geo.api import router as geo_router
    from vigil.indicators.api import indicators_router, observations_router
    from vigil.reports.api import router as products_router
    from vigil.responses.api import router as responses_router
    from vigil.risk.api import router as risk_router
    from vigil.roster.api import router as roster_router

    api.add_router("/events", events_router)
    api.add_router("/coverage", coverage_router)
    api.add_router("/sources", sources_router)
    api.add_router("/reports", fieldreports_router)
    api.add_router("/indicators", indicators_router)
    api.add_router("/observations", observations_router)
    api.add_router("/risk", risk_router)
    api.add_router("/products", products_router)
    api.add_router("/actors", actors_router)
    api.add_router("/alerts", alerts_router)
    api.add_router("/responses", responses_router)
    api.add_router("/subscriptions", dissemination_router)
    api.add_router("/roster", roster_router)
    api.add_router("/consultations", consultations_router)
    api.add_router("/", geo_router)


_mount()
