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
import re
from collections.abc import Iterable
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

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
        reason = _type_mismatch(_kinds(field.annotation), value)
        if reason:
            raise ValueError(reason)
        return value


def _kinds(annotation: Any) -> set[Any]:
    """The plain types an annotation admits, through Annotated, unions and Optional."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return {kind for arg in get_args(annotation) for kind in _kinds(arg)}
    return {annotation}


def _type_mismatch(kinds: set[Any], value: Any) -> str | None:
    if str in kinds or Any in kinds:
        return None
    if kinds & {dt.date, dt.datetime}:
        return None if isinstance(value, str | dt.date) else "expected an ISO 8601 date"
    if bool in kinds and not kinds & {int, float}:
        return None if isinstance(value, bool) else "expected true or false"
    if int in kinds and float not in kinds:
        exact = isinstance(value, int) and not isinstance(value, bool)
        return None if exact else "expected an integer"
    if float in kinds:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return None if number else "expected a number"
    return None


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
