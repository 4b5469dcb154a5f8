"""Writes to the reference geography: loading the committed CSVs and naming admin areas.

Countries, regional organisations and memberships are public reference data (no sharing
mark, no owning organisation), so these services take no actor and write no audit row: the
CSVs under ``geo/data`` are reviewed in version control instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from importlib import resources
from typing import Any

from django.db import transaction

from vigil.geo.models import AdminArea, Country, RegionalOrganisation, RegionMembership

DATA = resources.files("vigil.geo") / "data"

# Generic words sources add to or drop from an area's name: "Borno State" and "Borno", or
# "Région du Nord-Ouest" and "Nord-Ouest", are one area.
AREA_SUFFIXES = (
    "state", "province", "region", "governorate", "division", "prefecture", "department",
    "district", "county",
)  # fmt: skip
# Apostrophes as typed, typeset (U+2019), or borrowed from other marks (grave, acute, U+02BC).
APOSTROPHES = "'\u2019`\u00b4\u02bc"
_APOSTROPHES = re.compile(f"[{APOSTROPHES}]")
_AREA_PREFIX = re.compile(
    r"^(?:(?:state|province|region|governorate) of"
    r"|(?:region|province|prefecture|departement|etat|gouvernorat|wilaya)"
    rf" (?:de la|de l[{APOSTROPHES}]|du|des|de|d[{APOSTROPHES}]))\s*"
)
_NOT_WORD = re.compile(r"[\W_]+")


def _plain(name: str) -> str:
    """Casefolded, accents stripped, whitespace collapsed; punctuation untouched."""
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join(
        "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split()
    )


def fold_name(name: str) -> str:
    """Case-, accent- and apostrophe-insensitive form of a name, other punctuation kept.

    The folding the importers apply to a source's country names before looking them up.
    """
    return " ".join(_APOSTROPHES.sub("", _plain(name)).split())


def normalise_name(name: str) -> str:
    """`fold_name` with each run of punctuation made one space: "Nord-Ouest" -> "nord ouest"."""
    return " ".join(_NOT_WORD.sub(" ", fold_name(name)).split())


def normalise_area_name(name: str) -> str:
    """The key that folds one admin area's spellings together across sources.

    Drops case, accents, punctuation and the generic words sources add or omit ("Borno State",
    "Région d'Agadez"), unless dropping them would leave nothing: a lone "Region" stays
    "region", and "Central Region" becomes "central".
    """
    plain = _plain(name)
    key = normalise_name(_AREA_PREFIX.sub("", plain)) or normalise_name(plain)
    for suffix in AREA_SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


def get_or_create_admin_area(
    *,
    country_id: str,
    level: int,
    name: str,
    parent: AdminArea | None = None,
    pcode: str = "",
) -> AdminArea:
    """The area of `country_id` at `level` under `parent` whose name folds to the same key.

    The first spelling seen becomes the area's display name; a P-code is filled in when a later
    source supplies one. Call it inside the import's transaction: on PostgreSQL the unique
    constraint on (country, level, parent, key) settles a race between two imports, while
    SQLite cannot enforce that constraint for top-level areas (NULL parent) and relies on its
    IMMEDIATE transactions admitting one writer at a time.
    """
    key = normalise_area_name(name)
    if not key:
        raise ValueError(f"An admin area needs a name, got {name!r}")
    area, created = AdminArea.objects.get_or_create(
        country_id=country_id,
        level=level,
        parent=parent,
        key=key,
        defaults={"name": name.strip(), "pcode": pcode},
    )
    if not created and pcode and not area.pcode:
        area.pcode = pcode
        area.save(update_fields=["pcode"])
    return area


@transaction.atomic
def load_reference_geography(apps: Any = None) -> dict[str, int]:
    """Bring countries, regional organisations and memberships in line with the committed CSVs.

    Idempotent: a second run writes nothing. The CSVs are the source of truth for the
    organisations they list, so memberships of those organisations that are not in the file
    are deleted; countries and organisations missing from the files are left alone (events
    and areas may point at them). Returns how many rows each file holds.

    ``apps`` is a migration's app registry: the data migration that loads the geography
    with the schema passes its historical models, so a later change to the models cannot
    break an old migration.
    """
    country_model = apps.get_model("geo", "Country") if apps else Country
    region_model = apps.get_model("geo", "RegionalOrganisation") if apps else RegionalOrganisation
    membership_model = apps.get_model("geo", "RegionMembership") if apps else RegionMembership
    countries = [_country(country_model, row, line) for line, row in _read("countries.csv")]
    _upsert(country_model, countries, key="iso3")
    known = {country.iso3 for country in countries} | set(
        country_model.objects.values_list("iso3", flat=True)
    )

    regions = [_region(region_model, row) for _, row in _read("regions.csv")]
    _upsert(region_model, regions, key="code")

    codes = {region.code for region in regions}
    memberships = [
        _membership(membership_model, row, line, codes, known)
        for line, row in _read("memberships.csv")
    ]
    _sync_memberships(membership_model, memberships, codes)
    return {"countries": len(countries), "regions": len(regions), "memberships": len(memberships)}


def _read(filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a bundled CSV with their line numbers (the header is line 1)."""
    text = (DATA / filename).read_text(encoding="utf-8")
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        yield line, {k: (v or "").strip() for k, v in row.items()}


def _optional_float(value: str) -> float | None:
    return float(value) if value else None


def _country(model: type[Any], row: dict[str, str], line: int) -> Any:
    try:
        corners = [_optional_float(row[c]) for c in ("min_lon", "min_lat", "max_lon", "max_lat")]
        return model(
            iso3=row["iso3"],
            iso2=row["iso2"],
            numeric=row["numeric"],
            name=row["name"],
            name_fr=row["name_fr"],
            fips=row["fips"],
            gw_code=int(row["gw_code"]) if row["gw_code"] else None,
            latitude=_optional_float(row["latitude"]),
            longitude=_optional_float(row["longitude"]),
            bbox=corners if all(c is not None for c in corners) else None,
        )
    except (KeyError, ValueError) as exc:
        raise ValueError(f"countries.csv line {line}: {exc}") from exc


def _region(model: type[Any], row: dict[str, str]) -> Any:
    return model(
        code=row["code"],
        name=row["name"],
        name_fr=row["name_fr"],
        kind=row["kind"],
        website=row["website"],
    )


def _membership(
    model: type[Any], row: dict[str, str], line: int, organisations: set[str], countries: set[str]
) -> Any:
    def date(column: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(row[column]) if row[column] else None
        except ValueError as exc:
            raise ValueError(f"memberships.csv line {line}: {column} {exc}") from exc

    if row["organisation"] not in organisations:
        raise ValueError(f"memberships.csv line {line}: unknown organisation {row['organisation']}")
    if row["iso3"] not in countries:
        raise ValueError(f"memberships.csv line {line}: unknown country {row['iso3']}")
    joined, left = date("joined"), date("left")
    if joined and left and left <= joined:
        raise ValueError(f"memberships.csv line {line}: left {left} is not after joined {joined}")
    return model(
        organisation_id=row["organisation"],
        country_id=row["iso3"],
        joined=joined,
        left=left,
        note=row["note"],
    )


def _field_values(obj: Any, fields: list[str]) -> tuple[Any, ...]:
    return tuple(getattr(obj, f) for f in fields)


def _upsert(model: type[Any], rows: list[Any], *, key: str) -> None:
    """Insert new rows and update changed ones, touching nothing that already matches."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != key]
    existing = model.objects.in_bulk([getattr(r, key) for r in rows])
    new = [r for r in rows if getattr(r, key) not in existing]
    changed = [
        r
        for r in rows
        if getattr(r, key) in existing
        and _field_values(existing[getattr(r, key)], fields) != _field_values(r, fields)
    ]
    model.objects.bulk_create(new)
    model.objects.bulk_update(changed, fields)


def _sync_memberships(model: type[Any], rows: list[Any], organisations: set[str]) -> None:
    """Make the memberships of `organisations` exactly `rows`, keyed by (org, country, joined)."""

    def key(m: RegionMembership) -> tuple[str, str, dt.date | None]:
        return (m.organisation_id, m.country_id, m.joined)

    wanted: dict[tuple[str, str, dt.date | None], RegionMembership] = {}
    for row in rows:
        if key(row) in wanted:
            raise ValueError(f"memberships.csv repeats {key(row)}")
        wanted[key(row)] = row
    current: dict[tuple[str, str, dt.date | None], RegionMembership] = {}
    stale = []
    for membership in model.objects.filter(organisation__in=organisations):
        if key(membership) in wanted and key(membership) not in current:
            current[key(membership)] = membership
        else:
            stale.append(membership.pk)
    model.objects.filter(pk__in=stale).delete()
    model.objects.bulk_create([m for k, m in wanted.items() if k not in current])
    changed = []
    for k, m in wanted.items():
        if k in current and (current[k].left, current[k].note) != (m.left, m.note):
            current[k].left, current[k].note = m.left, m.note
            changed.append(current[k])
    model.objects.bulk_update(changed, ["left", "note"])
