"""Template helpers of the roster pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    """`labels|get:code` — the label of a code, or the code itself when it has none."""
    if mapping is None:
        return key
    return mapping.get(key, key)
