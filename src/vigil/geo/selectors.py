"""Reads of the reference geography: code crosswalks for importers and dated region membership.

Countries and regional organisations are public reference data, so unlike other apps'
selectors these do not pass through `sharing.policy`: there is nothing here to restrict.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import Prefetch, Q, QuerySet

from vigil.geo.models import (
    AdminArea,
    Country,
    RegionalOrganisation,
    RegionMembership,
    membership_on,
)
from vigil.geo.services import fold_name, normalise_name

# Gleditsch-Ward codes that are not a Country's own `gw_code` but whose events belong to a
# present-day country: GW's second code for Serbia after 2006, and states that merged into
# today's (events in them predate the merger, but the territory is the successor's).
GW_SUCCESSORS = {
    340: "SRB",  # Serbia in GW's list from 2006; UCDP keeps 345
    255: "DEU",  # Germany (Prussia), to 1945
    265: "DEU",  # German Democratic Republic, to 1990
    680: "YEM",  # Yemen, People's Republic of (South Yemen), to 1990
    511: "TZA",  # Zanzibar, to 1964
}

# FIPS 10-4 codes GDELT emits besides each Country's own `fips`.
FIPS_ALIASES = {
    "GZ": "PSE",  # Gaza Strip (the West Bank, WE, is Palestine's own code)
    "RB": "SRB",  # Serbia's code from 2006 until KV/RI replaced it in 2008
    "YI": "SRB",  # Serbia and Montenegro / Yugoslavia
    "UR": "RUS",  # Soviet Union, in the GDELT 1.0 backfile
}

# Names sources use that differ from the ISO English or French name: UCDP/GW state names,
# ACLED's, and the short names people write. Keys are matched after folding.
NAME_ALIASES = {
    "Antigua & Barbuda": "ATG",
    "Belarus (Byelorussia)": "BLR",
    "Bolivia": "BOL",
    "Bosnia-Herzegovina": "BIH",
    "Bosnia": "BIH",
    "Brunei": "BRN",
    "Burkina Faso (Upper Volta)": "BFA",
    "Burma": "MMR",
    "Cambodia (Kampuchea)": "KHM",
    "Cape Verde": "CPV",
    "Congo": "COG",
    "Congo, Democratic Republic of (Zaire)": "COD",
    "Cote d'Ivoire": "CIV",
    "Czech Republic": "CZE",
    "Democratic Republic of Congo": "COD",
    "DR Congo": "COD",
    "DR Congo (Zaire)": "COD",
    "DRC": "COD",
    "East Timor": "TLS",
    "Egypt, Arab Rep.": "EGY",
    "eSwatini": "SWZ",
    "Federated States of Micronesia": "FSM",
    "German Federal Republic": "DEU",
    "Great Britain": "GBR",
    "Holy See": "VAT",
    "Iran (Persia)": "IRN",
    "Iran": "IRN",
    "Ivory Coast": "CIV",
    "Kingdom of eSwatini (Swaziland)": "SWZ",
    "Korea, People's Republic of": "PRK",
    "Korea, Republic of": "KOR",
    "Kyrgyz Republic": "KGZ",
    "Laos": "LAO",
    "Macedonia": "MKD",
    "Macedonia, FYR": "MKD",
    "Macedonia (Former Yugoslav Republic of)": "MKD",
    "Madagascar (Malagasy)": "MDG",
    "Moldova": "MDA",
    "Myanmar (Burma)": "MMR",
    "North Korea": "PRK",
    "Occupied Palestinian Territory": "PSE",
    "Palestinian Territory": "PSE",
    "RDC": "COD",
    "Republic of Congo": "COG",
    "Republic of the Congo": "COG",
    "Rumania": "ROU",
    "Russia": "RUS",
    "Russia (Soviet Union)": "RUS",
    "Serbia (Yugoslavia)": "SRB",
    "Serbia and Montenegro": "SRB",
    "Soviet Union": "RUS",
    "South Korea": "KOR",
    "Sri Lanka (Ceylon)": "LKA",
    "Surinam": "SUR",
    "Swaziland": "SWZ",
    "Syria": "SYR",
    "Tanzania": "TZA",
    "Tanzania/Tanganyika": "TZA",
    "The Gambia": "GMB",
    "Turkey": "TUR",
    "Turkey (Ottoman Empire)": "TUR",
    "UAE": "ARE",
    "UK": "GBR",
    "United States of America": "USA",
    "US": "USA",
    "USA": "USA",
    "Vatican": "VAT",
    "Vatican City": "VAT",
    "Venezuela": "VEN",
    "Vietnam": "VNM",
    "Vietnam, Democratic Republic of": "VNM",
    "Yemen (Arab Republic of Yemen)": "YEM",
    "Yemen (North Yemen)": "YEM",
    "Yugoslavia": "SRB",
    "Zaire": "COD",
    "Zimbabwe (Rhodesia)": "ZWE",
    "Centrafrique": "CAF",
    "République centrafricaine": "CAF",
    "République démocratique du Congo": "COD",
    "République du Congo": "COG",
}


class CountryLookup(TypedDict):
    """Every crosswalk an importer needs, read in one go."""

    iso2: dict[str, str]
    gw: dict[int, str]
    fips: dict[str, str]
    name: dict[str, str]


def countries_by_iso2() -> dict[str, str]:
    """ISO alpha-2 -> ISO alpha-3, for every country loaded."""
    return dict(Country.objects.values_list("iso2", "iso3"))


def countries_by_gw() -> dict[int, str]:
    """Gleditsch-Ward code (UCDP's `country_id`) -> ISO3, successors of merged states included."""
    own = {
        gw: iso3
        for gw, iso3 in Country.objects.exclude(gw_code=None).values_list("gw_code", "iso3")
        if gw is not None
    }
    known = set(own.values())
    return {**{gw: iso3 for gw, iso3 in GW_SUCCESSORS.items() if iso3 in known}, **own}


def countries_by_fips() -> dict[str, str]:
    """FIPS 10-4 code (GDELT's `*Geo_CountryCode`) -> ISO3, with GDELT's legacy codes."""
    own = dict(Country.objects.exclude(fips="").values_list("fips", "iso3"))
    known = set(own.values())
    return {**{code: iso3 for code, iso3 in FIPS_ALIASES.items() if iso3 in known}, **own}


def countries_by_name() -> dict[str, str]:
    """Folded country name -> ISO3, from English and French names and common aliases.

    Each name is keyed both by `fold_name` (what importers apply: "dr congo (zaire)") and by
    `normalise_name`, which also drops punctuation ("dr congo zaire"), so either folding finds
    it. Aliases never override an ISO name.
    """
    names: dict[str, str] = {}

    def add(name: str, iso3: str) -> None:
        for key in (fold_name(name), normalise_name(name)):
            names.setdefault(key, iso3)

    rows = list(Country.objects.values_list("iso3", "name", "name_fr"))
    for iso3, name, name_fr in rows:
        add(name, iso3)
        if name_fr:
            add(name_fr, iso3)
    known = {iso3 for iso3, _, _ in rows}
    for alias, iso3 in NAME_ALIASES.items():
        if iso3 in known:
            add(alias, iso3)
    return names


def country_lookup() -> CountryLookup:
    """All the crosswalks at once, for an importer that resolves several kinds of code."""
    return {
        "iso2": countries_by_iso2(),
        "gw": countries_by_gw(),
        "fips": countries_by_fips(),
        "name": countries_by_name(),
    }


def region_members_on(code: str, day: dt.date) -> QuerySet[Country]:
    """Countries that were members of organisation `code` on `day`."""
    return Country.objects.filter(membership_on(day, organisation=code)).distinct()


def country_ids_in_region_between(code: str, date_from: dt.date, date_to: dt.date) -> set[str]:
    """ISO3 of countries that were members of `code` on at least one day of [date_from, date_to].

    A country that left during the period is included: its events before leaving belong to
    the region's picture of that period.
    """
    overlaps = (Q(joined__isnull=True) | Q(joined__lte=date_to)) & (
        Q(left__isnull=True) | Q(left__gt=date_from)
    )
    return set(
        RegionMembership.objects.filter(overlaps, organisation_id=code).values_list(
            "country_id", flat=True
        )
    )


def areas(
    *, country: str | None = None, level: int | None = None, name_contains: str | None = None
) -> list[dict[str, Any]]:
    """Countries (level 0) and admin areas (levels 1-2) as plain rows for the API.

    A country's id is its ISO3 and an admin area's its primary key as text, so one list holds
    both; an admin1 area's parent is its country's ISO3, making the rows one tree.
    """
    rows: list[dict[str, Any]] = []
    if level in (None, 0):
        countries = Country.objects.order_by("name")
        if country:
            countries = countries.filter(iso3=country.upper())
        if name_contains:
            countries = countries.filter(
                Q(name__icontains=name_contains) | Q(name_fr__icontains=name_contains)
            )
        rows += [
            {
                "id": c.iso3,
                "level": 0,
                "name": c.name,
                "country": c.iso3,
                "parent": None,
                "pcode": "",
            }
            for c in countries
        ]
    if level != 0:
        admin_areas = AdminArea.objects.order_by("country_id", "level", "name")
        if country:
            admin_areas = admin_areas.filter(country_id=country.upper())
        if level is not None:
            admin_areas = admin_areas.filter(level=level)
        if name_contains:
            admin_areas = admin_areas.filter(name__icontains=name_contains)
        rows += [
            {
                "id": str(a.pk),
                "level": a.level,
                "name": a.name,
                "country": a.country_id,
                "parent": str(a.parent_id) if a.parent_id else a.country_id,
                "pcode": a.pcode,
            }
            for a in admin_areas
        ]
    return rows


def regions_with_members(*, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every regional organisation with its dated memberships, or only those current `on` a day."""
    memberships = RegionMembership.objects.order_by("country_id", "joined")
    if on is not None:
        memberships = memberships.filter(
            Q(joined__isnull=True) | Q(joined__lte=on), Q(left__isnull=True) | Q(left__gt=on)
        )
    organisations = RegionalOrganisation.objects.order_by("code").prefetch_related(
        Prefetch("memberships", queryset=memberships, to_attr="listed")
    )
    return [
        {
            "code": org.code,
            "name": org.name,
            "name_fr": org.name_fr,
            "kind": org.kind,
            "members": [
                {"country": m.country_id, "joined": m.joined, "left": m.left, "note": m.note}
                for m in org.listed
            ],
        }
        for org in organisations
    ]


def country_name(iso3: str) -> str | None:
    """A country's English name, or None when the code is not a country we know."""
    return Country.objects.filter(pk=iso3).values_list("name", flat=True).first()
