"""The types every API input is declared with, so that the OpenAPI document and the server
agree on what is admitted: what the schema allows is accepted, and what it excludes is
refused with 422 before any view runs.

- ids are held to the database's integer range (bounds.DB_ID_MAX);
- codes carry their pattern (ISO 3166-1 alpha-3, regional organisation codes, slugs), and
  comma-separated lists of codes or of choices a pattern built from the choices;
- days are ISO 8601 dates only (pydantic alone would also take 0 as 1970-01-01);
- bodies are closed: an unknown field is refused, not silently dropped (a mistyped
  `fatalites` would otherwise lose the figure).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from ninja import Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    field_validator,
)
from pydantic import ValidationError as PydanticValidationError

from vigil.bounds import DB_ID_MAX

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


class FormInput(Schema):
    """A form body (multipart): unknown fields are an error; values arrive as text."""

    model_config = ConfigDict(extra="forbid")


class Input(FormInput):
    """A JSON body: unknown fields are an error, and JSON types are taken as declared.
    Pydantic alone would read 0 as false, "12" or 12.0 as 12 and 0 as 1970-01-01; a client
    that sends those has made a mistake the document does not admit, and is told so."""

    @field_validator("*", mode="before")
    @classmethod
    def _exact_json_types(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if value is None or field is None:
            return value
        reason = _mismatch(field.annotation, value)
        if reason:
            raise ValueError(reason)
        return value


def _mismatch(annotation: Any, value: Any) -> str | None:
    """Why `value` is not of the JSON type `annotation` declares, or None if it is; through
    Annotated, unions and Optional, and into the items of lists and dicts (a polygon's
    points are numbers, not booleans)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _mismatch(get_args(annotation)[0], value)
    if origin in (Union, UnionType):
        branches = [a for a in get_args(annotation) if a is not type(None)]
        reasons = [_mismatch(branch, value) for branch in branches]
        return None if value is None or None in reasons else reasons[0]
    if origin is list and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return next((r for v in value if (r := _mismatch(item, v))), None)
    if origin is dict and isinstance(value, dict):
        item = (get_args(annotation) or (Any, Any))[1]
        return next((r for v in value.values() if (r := _mismatch(item, v))), None)
    return _scalar_mismatch(annotation, value)


REASONS = {
    bool: "expected true or false",
    int: "expected an integer",
    float: "expected a number",
    dt.date: "expected an ISO 8601 date",
    dt.datetime: "expected an ISO 8601 date",
}


def _scalar_mismatch(kind: Any, value: Any) -> str | None:
    """Flag only what pydantic would coerce but strict JSON would not (0 → false, "30" → 30,
    12.0 → 12, 0 → 1970-01-01); a value pydantic refuses anyway is left to it, so its error
    keeps its exact place (`values.armed-raids`)."""
    if kind not in REASONS:
        return None
    lax, strict = _adapters(kind)
    try:
        lax.validate_python(value)
    except PydanticValidationError:
        return None
    try:
        strict.validate_json(json.dumps(value, default=str), strict=True)
    except (PydanticValidationError, TypeError, ValueError):
        return REASONS[kind]
    return None


@functools.cache
def _adapters(kind: Any) -> tuple[TypeAdapter, TypeAdapter]:
    return TypeAdapter(kind), TypeAdapter(kind)


DbId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]
Day = Annotated[dt.date, BeforeValidator(_iso_day)]
Iso3 = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3")]
Iso3List = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z]{3}(,[A-Za-z]{3})*$",
        max_length=4 * 300,
        description="ISO 3166-1 alpha-3, comma-separated: NGA,NER",
    ),
]
RegionCode = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z]{2,16}$",
        description="Regional organisation code (ECOWAS, AU, IGAD, ...)",
    ),
]
Slug = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{1,64}$")]


def one_of_list(choices: Iterable[str], description: str = "") -> Any:
    """A comma-separated list of the given choices, as a pattern a client can read and a
    generator can satisfy."""
    alternatives = "|".join(re.escape(c) for c in sorted(choices))
    pattern = rf"^({alternatives})(,({alternatives}))*$"
    return Annotated[str, Field(pattern=pattern, description=description)]


def _optional(pattern: str) -> str:
    """The same pattern, also admitting the empty string (a filter left blank)."""
    return f"^({pattern.removeprefix('^').removesuffix('$')})?$"


Iso3OrBlank = Annotated[str, Field(pattern=_optional(r"^[A-Za-z]{3}$"), description="ISO3")]
SlugOrBlank = Annotated[str, Field(pattern=_optional(r"^[-a-zA-Z0-9_]{1,64}$"))]
LanguageOrBlank = Annotated[
    str, Field(pattern=_optional(r"^[A-Za-z]{2,3}$"), description="ISO 639-1 or 639-3")
]
LanguagesOrBlank = Annotated[
    str,
    Field(
        pattern=_optional(r"^[A-Za-z]{2,3}(,[A-Za-z]{2,3})*$"),
        max_length=400,
        description="ISO 639 codes separated by commas",
    ),
]
RegionOrBlank = Annotated[
    str, Field(pattern=_optional(r"^[A-Za-z]{2,16}$"), description="Regional organisation code")
]
