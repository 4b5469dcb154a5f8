"""Idempotency-Key semantics shared by every submitting service (RFC draft
"The Idempotency-Key HTTP Header Field"): the same key with the same request is answered
with the first result; the same key with a different request is refused, naming the first
field that differs, because silently keeping the first and dropping the second loses data.

Services store `canonical(values)` beside the record they create and call
`check_same_request` when a key comes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def canonical(values: Mapping[str, Any]) -> dict[str, Any]:
    """The request's fields as JSON values, so a stored request compares with a new one."""
    return {name: _plain(value) for name, value in values.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return canonical(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def check_same_request(
    key: str, stored: Mapping[str, Any] | None, given: Mapping[str, Any]
) -> None:
    """Refuse a reused key whose request differs from the first one (422, naming the key and
    the first differing field). `stored` None: a record from before requests were kept."""
    if stored is None or not stored:
        return
    now = canonical(given)
    for name in [*stored, *(n for n in now if n not in stored)]:
        if stored.get(name) != now.get(name):
            raise ValidationError(
                {
                    "Idempotency-Key": _(
                        "The key %(key)s was already used for a different request: its "
                        "field %(field)s differs. Send a new key for a new request."
                    )
                    % {"key": key, "field": name}
                }
            )
