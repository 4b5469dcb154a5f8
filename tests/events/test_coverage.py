"""Coverage recorded at import, widened by later imports, corrected by analysts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from vigil.events.models import SourceCoverage
from vigil.events.services import correct_coverage, import_events, reset_coverage

pytestmark = pytest.mark.usefixtures("reference_geography")

NGA = "ucdp_ged/hdx_ucdp_ged_conflict_data_nga.csv.gz"


def test_an_import_records_what_its_file_covers(shared_data: Path) -> None:
    report = import_events(importer_key="ucdp-ged", path=shared_data / NGA)

    coverage = SourceCoverage.objects.get(source="ucdp_ged", country="NGA")
    assert coverage.release == "20.1 (inferred)"
    assert (coverage.first_date, coverage.last_date) == (dt.date(1990, 1, 1), dt.date(2019, 12, 31))
    assert coverage.kind == "events"
    assert coverage.import_run is not None
    assert any("NGA" in line for line in report.coverage)

    # A second import of the same file keeps one row and the same release.
    import_events(importer_key="ucdp-ged", path=shared_data / NGA)
    assert SourceCoverage.objects.filter(source="ucdp_ged", country="NGA").count() == 1


def test_gdelt_is_recorded_as_a_global_signal(shared_data: Path) -> None:
    import_events(importer_key="gdelt", path=shared_data / "gdelt/20180326044500.export.CSV")
    coverage = SourceCoverage.objects.get(source="gdelt")
    assert (coverage.country, coverage.kind) == ("*", "signal")


def test_a_sample_imported_with_no_coverage_covers_nothing(shared_data: Path) -> None:
    import_events(
        importer_key="ucdp-ged",
        path=shared_data / "ucdp_ged/ged231_random_sample_1000_global.csv.gz",
        coverage_scope="none",
    )
    assert not SourceCoverage.objects.exists()


def test_an_analyst_corrects_coverage_with_a_reason_and_imports_keep_it(
    shared_data: Path, personas
) -> None:
    import_events(importer_key="ucdp-ged", path=shared_data / NGA)
    coverage = SourceCoverage.objects.get(source="ucdp_ged", country="NGA")

    with pytest.raises(PermissionDenied):
        correct_coverage(
            coverage=coverage,
            actor=personas.monitor,
            first_date=dt.date(1990, 1, 1),
            last_date=dt.date(2018, 12, 31),
            note="x",
        )
    with pytest.raises(ValidationError):
        correct_coverage(
            coverage=coverage,
            actor=personas.analyst,
            first_date=dt.date(1990, 1, 1),
            last_date=dt.date(2018, 12, 31),
            note="  ",
        )
    correct_coverage(
        coverage=coverage,
        actor=personas.analyst,
        first_date=dt.date(1990, 1, 1),
        last_date=dt.date(2018, 12, 31),
        note="2019 is incomplete in this extract",
    )
    import_events(importer_key="ucdp-ged", path=shared_data / NGA)
    coverage.refresh_from_db()
    assert coverage.last_date == dt.date(2018, 12, 31)  # the correction wins ...
    assert coverage.derived_last == dt.date(2019, 12, 31)  # ... beside what was derived
    assert coverage.corrected_by == personas.analyst

    reset_coverage(coverage=coverage, actor=personas.analyst)
    coverage.refresh_from_db()
    assert coverage.last_date == dt.date(2019, 12, 31)
    assert coverage.corrected_at is None


# --- /api/v1/coverage and /events/coverage/ ----------------------------------------------


def _nigeria(shared_data: Path) -> SourceCoverage:
    import_events(importer_key="ucdp-ged", path=shared_data / NGA)
    return SourceCoverage.objects.get(source="ucdp_ged", country="NGA")


def test_the_api_lists_coverage_and_an_analyst_corrects_it(shared_data: Path, personas) -> None:
    coverage = _nigeria(shared_data)
    client = Client()

    listed = client.get("/api/v1/coverage", {"country": "NGA"})
    assert listed.status_code == 200
    assert [(r["source"], r["release"], r["last_date"], r["corrected"]) for r in listed.json()] == [
        ("ucdp_ged", "20.1 (inferred)", "2019-12-31", False)
    ]

    body = {"first_date": "1990-01-01", "last_date": "2018-12-31", "note": "2019 incomplete"}
    url = f"/api/v1/coverage/{coverage.pk}"
    assert client.patch(url, body, content_type="application/json").status_code == 401
    client.force_login(personas.monitor)
    refused = client.patch(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    client.force_login(personas.analyst)
    backwards = {**body, "last_date": "1980-01-01"}
    invalid = client.patch(url, backwards, content_type="application/json")
    assert invalid.status_code == 422
    corrected = client.patch(url, body, content_type="application/json")
    assert corrected.status_code == 200
    assert corrected.json()["last_date"] == "2018-12-31"
    assert corrected.json()["derived_last"] == "2019-12-31"
    assert corrected.json()["corrected_by"] == "analyst"

    reset = client.post(f"{url}/reset")
    assert reset.status_code == 200
    assert (reset.json()["last_date"], reset.json()["corrected"]) == ("2019-12-31", False)
    assert (
        client.patch("/api/v1/coverage/999999", body, content_type="application/json").status_code
        == 404
    )


def test_the_coverage_page_shows_spans_and_takes_a_correction(shared_data: Path, personas) -> None:
    coverage = _nigeria(shared_data)
    client = Client()
    page = client.get(reverse("events:coverage"))
    assert page.status_code == 200
    assert "2019-12-31" in page.content.decode()
    assert ">Correct<" not in page.content.decode()  # the public cannot correct

    client.force_login(personas.analyst)
    url = reverse("events:coverage_correct", args=[coverage.pk])
    empty = client.post(url, {"first_date": "1990-01-01", "last_date": "2018-12-31", "note": ""})
    assert empty.status_code == 200  # the form again, with the error
    done = client.post(
        url, {"first_date": "1990-01-01", "last_date": "2018-12-31", "note": "2019 incomplete"}
    )
    assert done.status_code == 302
    coverage.refresh_from_db()
    assert coverage.last_date == dt.date(2018, 12, 31)
    listing = client.get(reverse("events:coverage")).content.decode()
    assert "2019 incomplete" in listing
