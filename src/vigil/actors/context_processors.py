"""What the site's navigation needs to know about the reader, read once per page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _roles(request: HttpRequest) -> dict[str, set[str]]:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {"roles": set(), "organisation_kinds": set()}
    rows = user.memberships.filter(is_active=True).values_list("role", "organisation__kind")
    return {
        "roles": {role for role, _ in rows},
        "organisation_kinds": {kind for _, kind in rows},
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav.roles` and `nav.organisation_kinds` of the reader's active memberships: one
    query, and only on pages that show the navigation."""
    return {"nav": SimpleLazyObject(lambda: _roles(request))}
