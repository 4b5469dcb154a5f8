"""Streamed imports: batches of a few rows behave exactly as one batch of the whole file.

Each test shrinks the batches (a 16 KB block, 40 rows on the exact path) so that real files
cross hundreds of batch boundaries: line numbers through quoted line breaks, an id repeated
in two batches, a blank line that sends the file to the exact reader, changed rows applied
from the staging table."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import numpy as np
import pytest

from vigil.events.importers import streaming
from vigil.events.importers.reading import _record_start_lines, read_table
from vigil.events.importers.streaming import Layout, stream_table
from vigil.events.models import Event, ImportRun
from vigil.events.services import ImportRejected, import_events

pytestmark = pytest.mark.usefixtures("reference_geography")

MEXICO = "ucdp_ged/ged241_mexico_1989-2023.csv.gz"
MYANMAR = "ucdp_ged/ged241_myanmar_1989-2023.csv.gz"


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "BLOCK_BYTES", 1 << 14)
    monkeypatch.setattr(streaming, "BATCH_ROWS", 40)


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, list(reader)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("exact", [False, True], ids=["pyarrow", "csv-module"])
def test_streamed_lines_are_the_files_physical_lines(shared_data: Path, exact: bool) -> None:
    # Myanmar's headlines hold quoted line breaks: a row's line is not its index + 2.
    path = shared_data / MYANMAR
    whole = read_table(path)
    expected = _record_start_lines(whole.data, ",")[1:]
    assert (np.diff(expected) > 1).any(), "the file should hold multi-line records"

    batches = list(stream_table(path, Layout(), exact=exact))

    assert len(batches) > 10
    lines = np.concatenate([b.start_lines for b in batches])
    assert lines.tolist() == expected.tolist()
    assert sum(len(b.frame) for b in batches) == len(whole.frame)
    assert batches[-1].frame.iloc[-1].tolist() == whole.frame.iloc[-1].tolist()


def test_a_file_of_many_batches_imports_as_one(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streaming, "BLOCK_BYTES", 1 << 18)  # about 60 batches
    first = import_events(importer_key="ucdp-ged", path=shared_data / MEXICO)
    again = import_events(importer_key="ucdp-ged", path=shared_data / MEXICO)

    assert (first.rows_read, first.new, first.rejected) == (18_957, 18_957, 0)
    assert Event.objects.filter(source="ucdp_ged").count() == 18_957
    assert (again.new, again.changed, again.unchanged) == (0, 0, 18_957)
    # Areas are resolved once per import, whichever batch names them first.
    assert first.areas_created > 10
    assert Event.objects.filter(admin1__isnull=False).count() > 18_000


def test_an_id_repeated_in_a_later_batch_refuses_both_rows(
    shared_data: Path, tmp_path: Path
) -> None:
    header, rows = _rows(shared_data / MYANMAR)
    rows = rows[:300]
    rows[250] = [rows[3][0], *rows[250][1:]]  # row 4's id again, some batches later
    path = _write(tmp_path / "repeated.csv", header, rows)

    starts = _record_start_lines(path.read_bytes(), ",")  # header first
    lines = [int(starts[4]), int(starts[251])]

    with pytest.raises(ImportRejected) as rejected:
        import_events(importer_key="ucdp-ged", path=path)
    assert [(e.line, e.column) for e in rejected.value.report.errors] == [
        (lines[0], "source_id"),
        (lines[1], "source_id"),
    ]
    assert Event.objects.count() == 0

    report = import_events(
        importer_key="ucdp-ged", path=path, skip_invalid=True, rejects_path=tmp_path / "rejects.csv"
    )
    assert (report.new, report.rejected) == (298, 2)
    assert not Event.objects.filter(source_id=rows[3][0]).exists()
    rejects = list(csv.DictReader((tmp_path / "rejects.csv").open(encoding="utf-8")))
    assert [int(r["line"]) for r in rejects] == lines
    assert rejects[0]["record"].startswith(rows[3][0] + ",")


def test_a_repeated_id_withdraws_a_change_already_staged(shared_data: Path, tmp_path: Path) -> None:
    header, rows = _rows(shared_data / MYANMAR)
    rows = rows[:200]
    import_events(importer_key="ucdp-ged", path=_write(tmp_path / "v1.csv", header, rows))
    best = header.index("best")
    changed = [list(r) for r in rows]
    changed[10][best] = str(int(changed[10][best]) + 5)  # a correction
    changed[20][best] = str(int(changed[20][best]) + 7)  # a correction, then its id again
    changed.append([changed[20][0], *changed[30][1:]])
    report = import_events(
        importer_key="ucdp-ged",
        path=_write(tmp_path / "v2.csv", header, changed),
        skip_invalid=True,
        rejects_path=tmp_path / "rejects.csv",
    )

    assert (report.new, report.changed, report.rejected) == (0, 1, 2)
    assert report.unchanged == 201 - 2 - 1
    corrected = Event.objects.get(source_id=rows[10][0])
    assert corrected.fatalities_best == int(rows[10][best]) + 5
    untouched = Event.objects.get(source_id=rows[20][0])
    assert untouched.fatalities_best == int(rows[20][best])
    assert Event.objects.count() == 200


def test_a_blank_line_sends_the_file_to_the_exact_reader_and_is_named(
    shared_data: Path, tmp_path: Path
) -> None:
    header, rows = _rows(shared_data / MYANMAR)
    path = _write(tmp_path / "blank.csv", header, rows[:120])
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    records = _record_start_lines(path.read_bytes(), ",")
    blank_at = int(records[100])  # the line where record 100 starts
    text.insert(blank_at - 1, "\n")
    path.write_text("".join(text), encoding="utf-8")

    with pytest.raises(ImportRejected) as rejected:
        import_events(importer_key="ucdp-ged", path=path)

    assert [str(e) for e in rejected.value.report.errors] == [f"line {blank_at}: *: empty row"]
    assert ImportRun.objects.get().status == "rejected"


def test_a_rejected_import_stops_writing_but_judges_every_row(
    shared_data: Path, tmp_path: Path
) -> None:
    header, rows = _rows(shared_data / MYANMAR)
    rows = rows[:400]
    tov = header.index("type_of_violence")
    rows[5][tov] = "9"
    rows[390][tov] = "9"
    with pytest.raises(ImportRejected) as rejected:
        import_events(importer_key="ucdp-ged", path=_write(tmp_path / "bad.csv", header, rows))
    report = rejected.value.report
    assert report.rows_read == 400
    assert [e.column for e in report.errors] == ["type_of_violence", "type_of_violence"]
    assert (report.new, report.rejected) == (0, 2)
    assert Event.objects.count() == 0
