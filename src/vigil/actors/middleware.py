"""Bearer-token sign-in for API clients, in front of every view.

A request carrying `Authorization: Bearer <key>` acts as the token's user. Such requests
carry no cookies, so CSRF protection (which guards cookie sessions) does not apply to them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from vigil.actors.models import ApiToken
from vigil.actors.services import hash_api_key


class ApiTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        # A token opens the API only: web pages keep to the session (and its CSRF checks),
        # so a leaked API token cannot drive the site as its owner.
        if header.startswith("Bearer ") and request.path.startswith("/api/"):
            token = (
                ApiToken.objects.select_related("user")
                .filter(key_hash=hash_api_key(header[7:].strip()), revoked_at__isnull=True)
                .first()
            )
            if token is None or not token.user.is_active:
                return JsonResponse(
                    {"type": "about:blank", "title": "Invalid token", "status": 401},
                    status=401,
                    content_type="application/problem+json",
                )
            request.user = token.user
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return self.get_response(request)


class NoStoreForSignedIn:
    """Answers to a signed-in caller are not kept by browsers or proxies (OWASP ASVS 8.2.1):
    they may carry AMBER or RED material, and a shared situation-room computer's cache or a
    proxy must not hand it to the next person. A view that chose its own caching keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-store"
        return response
