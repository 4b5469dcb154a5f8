"""Input the API refuses before any view runs, as problem+json: a NUL byte in a query
parameter or anywhere in a JSON body (PostgreSQL cannot store it, and no Vigil text needs
it), and a body over the size limit (Django would answer with its HTML 400 page)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse


def _problem(status: int, title: str, detail: str = "", **extra: Any) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = JsonResponse(body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def _nul_path(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _nul_path(key, path) or _nul_path(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


class ApiInputGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            refused = self._refused(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refused(self, request: HttpRequest) -> HttpResponse | None:
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return _nul(name)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.content_type.startswith("multipart/"):
            # Uploads stream to disk; their files are the importers' to judge.
            return None
        try:
            body = request.body
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            detail = f"The body is larger than the {limit:,} bytes this API accepts."
            return _problem(413, "Request too large", detail)
        if b"\x00" in body or b"\\u0000" in body:
            if request.content_type == "application/json":
                try:
                    found = _nul_path(json.loads(body), "")
                except ValueError:
                    found = "body"
                return _nul(found) if found else None
            return _nul("body")
        return None


def _nul(field: str) -> HttpResponse:
    return _problem(
        422, "Invalid request", errors=[{"field": field, "reason": "contains a NUL byte"}]
    )
