"""Code crosswalks for importers and dated region membership."""

from __future__ import annotations

import datetime as dt

import pytest

from vigil.geo.selectors import (
    areas,
    countries_by_fips,
    countries_by_gw,
    countries_by_iso2,
    countries_by_name,
    country_ids_in_region_between,
    country_lookup,
    region_members_on,
    regions_with_members,
)
from vigil.geo.services import fold_name, get_or_create_admin_area, normalise_name

pytestmark = pytest.mark.usefixtures("reference_geography")


@pytest.mark.django_db
def test_gw_codes_resolve_ucdp_country_ids() -> None:
    by_gw = countries_by_gw()

    assert by_gw[475] == "NGA"
    assert by_gw[482] == "CAF"
    assert by_gw[70] == "MEX"
    assert by_gw[775] == "MMR"
    assert by_gw[652] == "SYR"
    assert by_gw[345] == "SRB"
    assert by_gw[347] == "XKX"
    assert by_gw[678] == "YEM"
    assert by_gw[260] == "DEU"
    assert by_gw[816] == "VNM"
    assert 817 not in by_gw  # the Republic of Vietnam has no successor code of its own


@pytest.mark.django_db
def test_gw_codes_of_merged_states_resolve_to_their_successor() -> None:
    by_gw = countries_by_gw()

    assert (by_gw[340], by_gw[265], by_gw[680]) == ("SRB", "DEU", "YEM")


@pytest.mark.django_db
def test_fips_codes_resolve_gdelt_country_codes() -> None:
    by_fips = countries_by_fips()

    assert by_fips["NI"] == "NGA"
    assert by_fips["NG"] == "NER"
    assert by_fips["UV"] == "BFA"
    assert by_fips["OD"] == "SSD"
    assert by_fips["WE"] == by_fips["GZ"] == "PSE"
    assert by_fips["RB"] == by_fips["RI"] == "SRB"
    assert by_fips["KV"] == "XKX"


@pytest.mark.django_db
def test_iso2_resolves_to_iso3() -> None:
    by_iso2 = countries_by_iso2()

    assert (by_iso2["NG"], by_iso2["XK"], by_iso2["CD"]) == ("NGA", "XKX", "COD")
    assert len(by_iso2) == 250


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Nigeria", "NGA"),
        ("DR Congo (Zaire)", "COD"),
        ("Myanmar (Burma)", "MMR"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d\u2019Ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Russia (Soviet Union)", "RUS"),
        ("Yemen (North Yemen)", "YEM"),
        ("Serbia (Yugoslavia)", "SRB"),
        ("Kingdom of eSwatini (Swaziland)", "SWZ"),
        ("Tchad", "TCD"),
        ("République centrafricaine", "CAF"),
        ("Centrafrique", "CAF"),
        ("Burkina Faso", "BFA"),
        ("Kosovo", "XKX"),
    ],
)
def test_names_resolve_in_english_french_and_source_spellings(name: str, iso3: str) -> None:
    by_name = countries_by_name()

    assert by_name[fold_name(name)] == iso3
    assert by_name[normalise_name(name)] == iso3


@pytest.mark.django_db
def test_country_lookup_bundles_every_crosswalk() -> None:
    lookup = country_lookup()

    assert set(lookup) == {"iso2", "gw", "fips", "name"}
    assert lookup["gw"][475] == lookup["fips"]["NI"] == lookup["iso2"]["NG"] == "NGA"


@pytest.mark.django_db
def test_region_members_on_a_day() -> None:
    eac_2015 = set(region_members_on("EAC", dt.date(2015, 1, 1)).values_list("iso3", flat=True))
    eac_2024 = set(region_members_on("EAC", dt.date(2024, 6, 1)).values_list("iso3", flat=True))

    assert eac_2015 == {"KEN", "TZA", "UGA", "RWA", "BDI"}
    assert eac_2024 == eac_2015 | {"SSD", "COD", "SOM"}


@pytest.mark.django_db
def test_region_members_on_counts_a_readmitted_country_once() -> None:
    members = region_members_on("LAS", dt.date(2024, 1, 1))

    assert members.filter(iso3="SYR").count() == 1
    assert members.count() == 22


@pytest.mark.django_db
def test_members_on_joining_and_leaving_days() -> None:
    assert region_members_on("ASEAN", dt.date(2025, 10, 25)).filter(iso3="TLS").count() == 0
    assert region_members_on("ASEAN", dt.date(2025, 10, 26)).filter(iso3="TLS").count() == 1


@pytest.mark.django_db
def test_countries_in_region_between_includes_those_that_left_during_the_period() -> None:
    during = country_ids_in_region_between("ECOWAS", dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    after = country_ids_in_region_between("ECOWAS", dt.date(2025, 2, 1), dt.date(2025, 6, 30))

    assert {"MLI", "BFA", "NER"} <= during
    assert len(during) == 15
    assert not {"MLI", "BFA", "NER"} & after
    assert len(after) == 12


@pytest.mark.django_db
def test_countries_in_region_between_excludes_those_not_yet_joined() -> None:
    before = country_ids_in_region_between("EAC", dt.date(2010, 1, 1), dt.date(2015, 12, 31))

    assert "SSD" not in before
    assert "SOM" not in before
    assert "SSD" in country_ids_in_region_between("EAC", dt.date(2016, 1, 1), dt.date(2016, 12, 31))


@pytest.mark.django_db
def test_unknown_region_has_no_members() -> None:
    assert not region_members_on("NOPE", dt.date(2024, 1, 1)).exists()
    assert country_ids_in_region_between("NOPE", dt.date(2024, 1, 1), dt.date(2024, 2, 1)) == set()


@pytest.mark.django_db
def test_areas_list_countries_and_admin_areas_as_one_tree() -> None:
    borno = get_or_create_admin_area(country_id="NGA", level=1, name="Borno")
    maiduguri = get_or_create_admin_area(country_id="NGA", level=2, name="Maiduguri", parent=borno)

    rows = areas(country="nga")

    assert [(r["id"], r["level"], r["parent"]) for r in rows] == [
        ("NGA", 0, None),
        (str(borno.pk), 1, "NGA"),
        (str(maiduguri.pk), 2, str(borno.pk)),
    ]
    assert [r["name"] for r in areas(level=2, name_contains="maid")] == ["Maiduguri"]
    assert {r["id"] for r in areas(level=0, name_contains="Tchad")} == {"TCD"}


@pytest.mark.django_db
def test_regions_with_members_lists_dated_memberships_or_those_current_on_a_day() -> None:
    every = {r["code"]: r for r in regions_with_members()}
    on_2015 = {r["code"]: r for r in regions_with_members(on=dt.date(2015, 1, 1))}

    assert len(every) == 13
    syria = [m for m in every["LAS"]["members"] if m["country"] == "SYR"]
    assert [(m["joined"], m["left"]) for m in syria] == [
        (dt.date(1945, 3, 22), dt.date(2011, 11, 16)),
        (dt.date(2023, 5, 7), None),
    ]
    assert "SYR" not in {m["country"] for m in on_2015["LAS"]["members"]}
    assert len(on_2015["ECOWAS"]["members"]) == 15
