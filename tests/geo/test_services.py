"""Loading the reference geography and naming admin areas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command

from vigil.geo.models import AdminArea, Country, RegionalOrganisation, RegionMembership
from vigil.geo.selectors import countries_by_gw, countries_by_name, region_members_on
from vigil.geo.services import (
    fold_name,
    get_or_create_admin_area,
    load_reference_geography,
    normalise_area_name,
)


def snapshot() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Every loaded value, to compare two loads field by field."""
    return (
        list(Country.objects.order_by("iso3").values_list()),
        list(RegionalOrganisation.objects.order_by("code").values_list()),
        list(RegionMembership.objects.order_by("pk").values_list()),
    )


def members(code: str, day: dt.date) -> set[str]:
    return set(region_members_on(code, day).values_list("iso3", flat=True))


@pytest.mark.django_db
def test_loader_reports_what_the_files_hold() -> None:
    counts = load_reference_geography()

    assert counts["countries"] == 250  # 249 ISO 3166-1 countries and Kosovo
    assert counts["regions"] == 13
    assert counts["memberships"] == RegionMembership.objects.count() > 250
    assert Country.objects.count() == 250
    assert RegionalOrganisation.objects.count() == 13


@pytest.mark.django_db
def test_reload_is_idempotent() -> None:
    first = load_reference_geography()
    before = snapshot()

    second = load_reference_geography()

    assert second == first
    assert snapshot() == before


@pytest.mark.django_db
def test_reload_repairs_edited_and_removes_unlisted_memberships() -> None:
    load_reference_geography()
    Country.objects.filter(iso3="NGA").update(name="Nigeria (edited)", fips="XX")
    RegionMembership.objects.filter(organisation="EU", country="GBR").update(left=None)
    RegionMembership.objects.create(organisation_id="ECOWAS", country_id="FRA")

    load_reference_geography()

    nigeria = Country.objects.get(iso3="NGA")
    assert (nigeria.name, nigeria.fips) == ("Nigeria", "NI")
    assert RegionMembership.objects.get(organisation="EU", country="GBR").left == dt.date(
        2020, 2, 1
    )
    assert not RegionMembership.objects.filter(organisation="ECOWAS", country="FRA").exists()


@pytest.mark.django_db
def test_countries_carry_codes_names_and_bounds() -> None:
    load_reference_geography()

    nigeria = Country.objects.get(iso3="NGA")
    assert (nigeria.iso2, nigeria.numeric, nigeria.fips, nigeria.gw_code) == (
        "NG",
        "566",
        "NI",
        475,
    )
    assert Country.objects.get(iso3="TCD").name_fr == "Tchad"
    min_lon, min_lat, max_lon, max_lat = nigeria.bbox
    assert min_lon < nigeria.longitude < max_lon
    assert min_lat < nigeria.latitude < max_lat
    assert 2.5 < min_lon < 3
    assert 14.5 < max_lon < 15
    kosovo = Country.objects.get(iso3="XKX")
    assert (kosovo.iso2, kosovo.numeric, kosovo.fips, kosovo.gw_code) == ("XK", "", "KV", 347)
    # France's box is metropolitan France; its overseas departments are countries of their own.
    assert Country.objects.get(iso3="FRA").bbox[0] > -6
    assert Country.objects.get(iso3="REU").bbox[0] > 55


# FIPS 10-4 codes that differ from (or collide with) the ISO alpha-2 of another country.
GDELT_SPELLINGS = {
    "NGA": "NI", "NER": "NG", "BFA": "UV", "TCD": "CD", "BEN": "BN", "COD": "CG", "COG": "CF",
    "CAF": "CT", "SSD": "OD", "SDN": "SU", "MMR": "BM", "DEU": "GM", "GBR": "UK",
}  # fmt: skip


@pytest.mark.django_db
def test_fips_codes_follow_gdelt_not_iso() -> None:
    load_reference_geography()

    fips = dict(Country.objects.values_list("iso3", "fips"))

    assert {iso3: fips[iso3] for iso3 in GDELT_SPELLINGS} == GDELT_SPELLINGS


@pytest.mark.django_db
def test_ecowas_loses_the_sahel_states_on_29_january_2025() -> None:
    load_reference_geography()

    mid_2024 = members("ECOWAS", dt.date(2024, 6, 1))
    mid_2025 = members("ECOWAS", dt.date(2025, 6, 1))

    assert {"MLI", "BFA", "NER"} <= mid_2024
    assert len(mid_2024) == 15
    assert not {"MLI", "BFA", "NER"} & mid_2025
    assert len(mid_2025) == 12
    assert "MRT" not in mid_2025
    assert "MLI" not in members("ECOWAS", dt.date(2025, 1, 29))
    assert "MLI" in members("ECOWAS", dt.date(2025, 1, 28))


@pytest.mark.django_db
def test_syria_suspended_from_the_arab_league_between_2011_and_2023() -> None:
    load_reference_geography()

    assert "SYR" in members("LAS", dt.date(2011, 11, 15))
    assert "SYR" not in members("LAS", dt.date(2015, 1, 1))
    assert "SYR" in members("LAS", dt.date(2024, 1, 1))
    assert len(members("LAS", dt.date(2024, 1, 1))) == 22


@pytest.mark.django_db
def test_current_memberships_match_each_organisations_size() -> None:
    load_reference_geography()
    today = dt.date(2025, 11, 1)

    sizes = {code: len(members(code, today)) for code in ("AU", "EAC", "SADC", "ASEAN", "EU")}

    assert sizes == {"AU": 55, "EAC": 8, "SADC": 16, "ASEAN": 11, "EU": 27}
    assert "MAR" not in members("AU", dt.date(2000, 1, 1))
    assert "GBR" not in members("EU", dt.date(2020, 2, 1))


@pytest.mark.django_db
def test_every_ucdp_country_id_in_the_real_files_maps_to_a_country(shared_data: Path) -> None:
    load_reference_geography()
    by_gw, by_name = countries_by_gw(), countries_by_name()
    frames = []
    for path in sorted((shared_data / "ucdp_ged").glob("*.csv.gz")):
        # The HDX copy has an HXL hashtag row under its header.
        skip = [1] if path.name.startswith("hdx_") else None
        frames.append(pd.read_csv(path, usecols=["country", "country_id"], skiprows=skip))
    seen = pd.concat(frames).drop_duplicates()

    pairs = {(name, int(code)) for name, code in seen.itertuples(index=False)}
    assert len(pairs) > 50
    unmapped = {code for _, code in pairs if code not in by_gw}
    assert unmapped == set()
    # The same country found by UCDP's own name for it.
    misnamed = {(name, code) for name, code in pairs if by_name.get(fold_name(name)) != by_gw[code]}
    assert misnamed == set()


@pytest.mark.django_db
def test_load_geography_command_prints_counts(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_geography")

    assert "250 countries, 13 regions" in capsys.readouterr().out


@pytest.mark.django_db
def test_admin_area_spellings_fold_into_one_area(reference_geography: None) -> None:
    borno = get_or_create_admin_area(country_id="NGA", level=1, name="Borno State")

    again = get_or_create_admin_area(country_id="NGA", level=1, name="BORNO", pcode="NG008")

    assert again.pk == borno.pk
    assert again.name == "Borno State"
    assert AdminArea.objects.get(pk=borno.pk).pcode == "NG008"


@pytest.mark.django_db
def test_admin_areas_with_one_name_differ_by_parent_and_country(reference_geography: None) -> None:
    kano_state = get_or_create_admin_area(country_id="NGA", level=1, name="Kano")
    kano_lga = get_or_create_admin_area(country_id="NGA", level=2, name="Kano", parent=kano_state)
    other = get_or_create_admin_area(country_id="NER", level=1, name="Kano")

    assert len({kano_state.pk, kano_lga.pk, other.pk}) == 3
    assert get_or_create_admin_area(country_id="NGA", level=1, name="Kano State") == kano_state


@pytest.mark.django_db
def test_admin_area_needs_a_name(reference_geography: None) -> None:
    with pytest.raises(ValueError, match="needs a name"):
        get_or_create_admin_area(country_id="NGA", level=1, name=" - ")


@pytest.mark.parametrize(
    ("spelling", "other"),
    [
        ("Borno State", "Borno"),
        ("Nord-Ouest", "Nord Ouest"),
        ("Région du Nord-Ouest", "nord-ouest"),
        ("Ségou", "SEGOU"),
        ("Région d'Agadez", "Agadez"),
        ("Préfecture de l'Ouham", "Ouham"),
        ("Al Anbar Governorate", "al-Anbar"),
        ("Tillabéri  Region", "Tillaberi"),
        ("Hauts-Bassins", "Hauts Bassins"),
    ],
)
def test_normalise_area_name_folds_spelling_variants(spelling: str, other: str) -> None:
    assert normalise_area_name(spelling) == normalise_area_name(other)


def test_normalise_area_name_strips_case_accents_and_punctuation() -> None:
    assert normalise_area_name("Nord-Ouest") == "nord ouest"
    assert normalise_area_name("  Borno   State ") == "borno"
    assert normalise_area_name("Côte-d\u2019Or") == "cote dor"


def test_normalise_area_name_keeps_a_name_that_is_only_a_generic_word() -> None:
    assert normalise_area_name("Central Region") == "central"
    assert normalise_area_name("Region") == "region"
    assert normalise_area_name("Federal Capital Territory") == "federal capital territory"
    assert normalise_area_name("Borno") != normalise_area_name("Yobe")
