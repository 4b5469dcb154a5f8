"""Importing real source files: counts, idempotency, atomicity, per-row errors."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from vigil.events.choices import EventKind, ImportStatus, Source, VerificationStatus
from vigil.events.models import Event, EventLink, ImportRun
from vigil.events.services import ImportRejected, import_events, link_duplicates, undo_link

pytestmark = pytest.mark.usefixtures("reference_geography")

# (importer, file under ../shared/data, rows in the file, per PROVENANCE.md)
REAL_FILES = [
    ("ucdp-ged", "ucdp_ged/ged241_mexico_1989-2023.csv.gz", 18_957),
    ("ucdp-ged", "ucdp_ged/ged241_myanmar_1989-2023.csv.gz", 7_374),
    ("ucdp-ged", "ucdp_ged/ged231_random_sample_1000_global.csv.gz", 1_000),
    ("ucdp-ged", "ucdp_ged/ged231_central_african_republic_1989-2022.csv.gz", 1_848),
    ("ucdp-ged", "ucdp_ged/ged191_syria_2016-2019.csv.gz", 16_566),
    ("ucdp-ged", "ucdp_ged/hdx_ucdp_ged_conflict_data_nga.csv.gz", 4_603),
    ("acled", "acled_sample/acled_burkina_faso_2019-2020_sample.csv", 1_711),
    ("gdelt", "gdelt/20180326044500.export.CSV", 1_540),
    ("gdelt", "gdelt/20191024143000.export.CSV", 2_111),
    ("gdelt", "gdelt/gdelt1_mixed_sample_710rows.export.tsv", 710),
    (
        "gdelt",
        "gdelt/gdelt1_westafrica_conflict_subset/gdelt1_west_north_africa_conflict_1979-1997.csv.gz",
        83_659,
    ),
]


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


@pytest.mark.parametrize(("importer", "name", "rows"), REAL_FILES, ids=[f[1] for f in REAL_FILES])
def test_every_real_file_imports_with_the_files_row_count(
    shared_data: Path, importer: str, name: str, rows: int
) -> None:
    # given a real file from a public source
    path = shared_data / name
    # when it is imported twice
    first = import_events(importer_key=importer, path=path)
    second = import_events(importer_key=importer, path=path)
    # then every row is stored once, and the second import changes nothing
    assert (first.rows_read, first.new, first.rejected) == (rows, rows, 0)
    assert Event.objects.filter(source=first.source).count() == rows
    assert (second.new, second.changed, second.unchanged) == (0, 0, rows)
    assert "0 new, 0 changed" in second.summary()


def test_ucdp_fields_map_onto_the_unified_event(shared_data: Path) -> None:
    import_events(
        importer_key="ucdp-ged", path=shared_data / "ucdp_ged/hdx_ucdp_ged_conflict_data_nga.csv.gz"
    )
    event = Event.objects.get(source=Source.UCDP_GED, source_id="15960")
    assert event.country_id == "NGA"
    assert event.admin1.name == "Borno state"
    assert event.admin2.parent_id == event.admin1_id
    assert str(event.date_start) == "2009-06-09"
    # As published: HDX row 15960 has best 0 and high 14.
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (0, 0, 14)
    assert event.category == "armed_clash"
    assert event.source_event_type == "1 state-based conflict"
    assert event.raw["relid"] == "NIG-2009-1-793-1"
    assert event.tlp == "CLEAR"
    assert event.owner_org.slug == "ucdp"
    assert event.admiralty_grade == "B2"


def test_gdelt_rows_are_unverified_media_signals_with_string_cameo_codes(shared_data: Path) -> None:
    import_events(importer_key="gdelt", path=shared_data / "gdelt/20180326044500.export.CSV")
    signals = Event.objects.filter(source=Source.GDELT)
    assert set(signals.values_list("kind", flat=True)) == {EventKind.SIGNAL}
    assert set(signals.values_list("verification_status", flat=True)) == {
        VerificationStatus.UNVERIFIED
    }
    event = signals.get(source_id="741917022")
    assert event.source_sub_event_type == "071"  # leading zero kept
    assert event.source_event_type == "07"
    assert event.country_id == "IND"  # FIPS IN -> ISO IND
    assert event.category == "cooperation"
    assert event.fatalities_best is None


def test_acled_numeric_and_text_actor_types_are_accepted(tmp_path: Path) -> None:
    header = (
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,inter1,"
        "actor2,inter2,country,iso3,admin1,admin2,location,latitude,longitude,geo_precision,"
        "fatalities,notes,civilian_targeting\n"
    )
    rows = (
        "BFO1,03 December 2020,1,Battles,Armed clash,Military Forces,1,JNIM,2,Burkina Faso,BFA,"
        "Sahel,Soum,Djibo,14.1,-1.6,1,3,clash,\n"
        "BFO2,2020-12-04,2,Violence against civilians,Attack,Unidentified Armed Group,"
        "Political militia,Civilians,Civilians,Burkina Faso,BFA,Sahel,Soum,Djibo,14.1,-1.6,2,4,"
        "attack,Civilian targeting\n"
    )
    path = tmp_path / "acled.csv"
    path.write_text(header + rows, encoding="utf-8")
    report = import_events(importer_key="acled", path=path)
    assert report.new == 2
    first, second = Event.objects.order_by("source_id")
    assert (first.actor1_type, first.actor2_type) == ("State forces", "Rebel group")
    assert (second.actor1_type, second.actor2_type) == ("Political militia", "Civilians")
    assert second.civilian_deaths == 4
    assert first.civilian_deaths is None
    assert second.date_precision == 3  # ACLED "within a week" on UCDP's scale


def _edit(source: Path, target: Path, edits: dict[int, dict[str, str]]) -> None:
    """Copy a CSV file, changing the named fields on the given (1-based, physical) lines."""
    lines = _text(source).splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    for line, changes in edits.items():
        fields = next(csv.reader([lines[line - 1]]))
        for column, value in changes.items():
            fields[header.index(column)] = value
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(fields)
        lines[line - 1] = buffer.getvalue()
    target.write_text("".join(lines), encoding="utf-8")


def test_a_corrupted_row_commits_nothing_and_names_its_line(
    shared_data: Path, tmp_path: Path
) -> None:
    # given the real Myanmar file with one date made impossible on line 500
    source = shared_data / "ucdp_ged/ged241_myanmar_1989-2023.csv.gz"
    line = 500
    corrupted = tmp_path / "myanmar.csv"
    _edit(source, corrupted, {line: {"date_start": "2019-13-45 00:00:00.000"}})
    # when it is imported
    with pytest.raises(ImportRejected) as rejected:
        import_events(importer_key="ucdp-ged", path=corrupted)
    # then nothing is committed and the error names the line, the column and the reason
    assert Event.objects.count() == 0
    report = rejected.value.report
    assert report.status == ImportStatus.REJECTED
    assert [(e.line, e.column) for e in report.errors] == [(line, "date_start")]
    assert "2019-13-45" in report.errors[0].reason
    assert ImportRun.objects.get(pk=report.run_id).status == ImportStatus.REJECTED


def test_skip_invalid_commits_good_rows_and_writes_every_reject(
    shared_data: Path, tmp_path: Path
) -> None:
    source = shared_data / "ucdp_ged/ged231_random_sample_1000_global.csv.gz"
    path = tmp_path / "sample.csv"
    _edit(source, path, {21: {"type_of_violence": "7"}})  # line 21: out of range
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[9] = lines[9].replace(",", ",not-a-number,", 1)  # line 10: one field too many
    path.write_text("".join(lines), encoding="utf-8")
    rejects = tmp_path / "rejects.csv"

    report = import_events(
        importer_key="ucdp-ged", path=path, skip_invalid=True, rejects_path=rejects
    )

    assert (report.new, report.rejected, report.status) == (998, 2, ImportStatus.PARTIAL)
    assert Event.objects.count() == 998
    written = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8"))))
    assert written[0] == ["line", "column", "reason", "record"]
    assert written[1][:3] == ["10", "*", "expected 49 fields, found 50"]
    assert written[1][3] == lines[9].rstrip("\n")
    assert written[2][:3] == ["21", "type_of_violence", "must be at most 3, got 7"]


def test_a_newer_release_updates_only_changed_rows(shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "ucdp_ged/ged231_central_african_republic_1989-2022.csv.gz"
    import_events(importer_key="ucdp-ged", path=source)
    revised = tmp_path / "revised.csv"
    # the `best` estimate of three events is revised
    _edit(source, revised, {line: {"best": "999"} for line in (2, 3, 4)})

    report = import_events(importer_key="ucdp-ged", path=revised)

    assert (report.new, report.changed, report.unchanged) == (0, 3, 1845)
    assert Event.objects.filter(fatalities_best=999).count() == 3


@pytest.mark.parametrize("packing", ["csv", "gz", "zip"])
def test_csv_gzip_and_zip_files_are_read_alike(
    shared_data: Path, tmp_path: Path, packing: str
) -> None:
    text = _text(shared_data / "ucdp_ged/ged231_random_sample_1000_global.csv.gz")
    if packing == "csv":
        path = tmp_path / "ged.csv"
        path.write_text(text, encoding="utf-8")
    elif packing == "gz":
        path = tmp_path / "ged.csv.gz"
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path = tmp_path / "ged.zip"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("GEDEvent_v23_1.csv", text)
        path.write_bytes(buffer.getvalue())
    assert import_events(importer_key="ucdp-ged", path=path).new == 1000


def test_same_incident_in_two_sources_is_linked_and_can_be_undone(personas) -> None:
    from tests.factories import EventFactory

    ged = EventFactory(source=Source.UCDP_GED, latitude=11.85, longitude=13.16)
    acled = EventFactory(source=Source.ACLED, latitude=11.90, longitude=13.10,
                         date_start=ged.date_start.replace(day=2))  # fmt: skip
    far = EventFactory(source=Source.ACLED, latitude=9.0, longitude=7.5)

    assert link_duplicates() == 1
    link = EventLink.objects.get()
    assert (link.event_id, link.other_id) == (ged.pk, acled.pk)
    assert link.days_apart == 1
    assert 5 < link.distance_km < 10
    assert not EventLink.objects.filter(other=far).exists()

    undo_link(link=link, actor=personas.analyst, reason="different attacks")
    assert link_duplicates() == 0  # an undone link is not recreated
    assert Event.objects.count() == 3  # nothing deleted
