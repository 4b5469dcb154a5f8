"""Mutated real files for every importer: each ends in a clear error or a clear rejection,
never a traceback or a native abort, and never a partial import.

The files are heads of real files from ../shared/data (UCDP GED Myanmar, a Candidate file
made of the same rows, the ACLED sample, a GDELT 2.0 export), mutated the ways an outside
probe found: numbers no integer column holds, random bytes, CR-only line ends, garbage
under a .gz or .zip name, Latin-1 and UTF-16 text, a 200,000-character field, implausible
deaths, swapped coordinate headers, a decompression bomb, a file cut mid-record.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vigil.events.importers.reading import ImportFileError
from vigil.events.models import Event
from vigil.events.services import ImportRejected, import_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_geography")]

ROWS = 40


def head(path: Path, rows: int = ROWS) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        return b"".join(handle.readline() for _ in range(rows + 1))


def records(data: bytes, key: str) -> int:
    """Records in a real head, counted with the csv module (GED quotes multi-line fields;
    GDELT 2.0 is tab-separated, unquoted, with no header row)."""
    if key == "gdelt":
        return data.count(b"\n")
    return len(list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))) - 1


SOURCES: dict[str, tuple[str, str, str]] = {
    # importer key: (file under shared data, an integer column's header, file suffix)
    "ucdp-ged": ("ucdp_ged/ged241_myanmar_1989-2023.csv.gz", "best", ".csv"),
    "ucdp-candidate": ("ucdp_ged/ged241_myanmar_1989-2023.csv.gz", "best", ".csv"),
    "acled": ("acled_sample/acled_burkina_faso_2019-2020_sample.csv", "fatalities", ".csv"),
    "gdelt": ("gdelt/20191024143000.export.CSV", "", ".CSV"),
}


def set_cell(data: bytes, column: str, value: str, row: int = 1) -> bytes:
    """Replace one cell of a comma CSV (header row 0) with `value`."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def swap_headers(data: bytes, first: str, second: str) -> bytes:
    header, rest = data.split(b"\n", 1)
    names = header.decode().split(",")
    i, j = names.index(first), names.index(second)
    names[i], names[j] = names[j], names[i]
    return ",".join(names).encode() + b"\n" + rest


def bomb(header: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.csv", header + b"0" * (64 * 1024 * 1024))
    return buffer.getvalue()


Mutation = Callable[[bytes, str], tuple[str, bytes]]  # (suffix, bytes)

MUTATIONS: dict[str, Mutation] = {
    "random-bytes": lambda d, s: (s, random.Random(1).randbytes(5000)),
    "cr-only-newlines": lambda d, s: (s, d.replace(b"\n", b"\r")),
    "garbage-gzip": lambda d, s: (s + ".gz", gzip.compress(random.Random(2).randbytes(4000))),
    "fake-zip": lambda d, s: (".zip", b"PK\x03\x04" + random.Random(3).randbytes(2000)),
    "latin-1": lambda d, s: (s, (d.decode() + "Ñandú\n").encode("latin-1", "replace")),
    "utf-16-bom": lambda d, s: (s, codecs.BOM_UTF16_LE + d.decode("utf-8").encode("utf-16-le")),
    "utf-8-bom": lambda d, s: (s, codecs.BOM_UTF8 + d),
    "cut-mid-record": lambda d, s: (s, d[: len(d) // 2]),
    "header-only": lambda d, s: (s, d.split(b"\n", 1)[0] + b"\n"),
    "empty": lambda d, s: (s, b""),
    "decompression-bomb": lambda d, s: (".zip", bomb(d.split(b"\n", 1)[0] + b"\n")),
}  # fmt: skip

# Mutations of named cells, for the comma-separated sources.
CELL_MUTATIONS = {
    "int-1e25": "1e25",
    "int-inf": "inf",
    "int-nan": "NaN",
    "deaths-1e6": "1000000",
    "field-200k": None,  # a description-like column gets 200,000 characters
}

OK = "imported"
REJECTED = "rejected"
REFUSED = "refused"


def attempt(key: str, path: Path) -> tuple[str, str]:
    """What an import of `path` did, in one word and its message; any other exception
    fails the test (it would be a traceback on the command line)."""
    before = Event.objects.count()
    outcome, message, errors = OK, "", 1
    try:
        message = import_events(importer_key=key, path=path).summary()
    except ImportFileError as exc:
        outcome, message = REFUSED, str(exc)
    except ImportRejected as exc:
        outcome, errors = REJECTED, len(exc.report.errors)
        message = "; ".join(str(e) for e in exc.report.errors[:3])
    if outcome != OK:
        assert Event.objects.count() == before  # atomic: nothing written
    assert message
    assert errors
    return outcome, message


@pytest.fixture
def real_heads(shared_data: Path) -> dict[str, bytes]:
    return {key: head(shared_data / file) for key, (file, _col, _suffix) in SOURCES.items()}


@pytest.mark.parametrize("key", sorted(SOURCES))
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_mutated_file_is_refused_or_rejected_clearly(
    key: str, mutation: str, real_heads: dict[str, bytes], tmp_path: Path, settings: Any
) -> None:
    settings.VIGIL_IMPORT_MAX_RATIO = 50
    suffix, data = MUTATIONS[mutation](real_heads[key], SOURCES[key][2])
    path = tmp_path / f"{mutation}{suffix}"
    path.write_bytes(data)

    outcome, message = attempt(key, path)

    expected = {
        # Decoded as what they are: the same rows as the real file.
        "cr-only-newlines": {OK},
        "utf-16-bom": {OK},
        "utf-8-bom": {OK},
        # A cut record is a bad last row, or (GDELT, tab-separated) a short one.
        "cut-mid-record": {REJECTED, OK} if key == "gdelt" else {REJECTED},
        "header-only": {REFUSED, OK, REJECTED},
    }.get(mutation, {REFUSED, REJECTED})
    assert outcome in expected, message
    if mutation == "latin-1":
        assert "not UTF-8" in message
    if mutation == "decompression-bomb":
        assert "decompression bomb" in message
    if outcome == OK and mutation in ("cr-only-newlines", "utf-16-bom", "utf-8-bom"):
        assert f"{records(real_heads[key], key)} rows read" in message


@pytest.mark.parametrize("key", ["ucdp-ged", "acled"])
@pytest.mark.parametrize("mutation", sorted(CELL_MUTATIONS))
def test_an_impossible_value_is_rejected_with_its_line(
    key: str, mutation: str, real_heads: dict[str, bytes], tmp_path: Path
) -> None:
    column = SOURCES[key][1]
    value = CELL_MUTATIONS[mutation]
    if value is None:
        column, value = ("source_headline" if key.startswith("ucdp") else "notes"), "x" * 200_000
    path = tmp_path / f"{mutation}.csv"
    path.write_bytes(set_cell(real_heads[key], column, value, row=3))

    outcome, message = attempt(key, path)

    assert outcome == REJECTED, message
    assert message.startswith("line 4:"), message


def test_swapped_coordinate_headers_are_caught_and_can_be_accepted(
    shared_data: Path, tmp_path: Path
) -> None:
    # Central African Republic: latitude 2-11, longitude 14-27, so swapped values stay in
    # range and only the country's extent shows the mistake.
    data = head(shared_data / "ucdp_ged/ged231_central_african_republic_1989-2022.csv.gz")
    path = tmp_path / "swapped.csv"
    path.write_bytes(swap_headers(data, "latitude", "longitude"))

    outcome, message = attempt("ucdp-ged", path)
    assert outcome == REJECTED
    assert "are the columns swapped?" in message

    report = import_events(importer_key="ucdp-ged", path=path, accept=frozenset({"coordinates"}))
    assert report.new == records(data, "ucdp-ged")


def test_the_command_line_never_prints_a_traceback(
    shared_data: Path, tmp_path: Path, real_heads: dict[str, bytes]
) -> None:
    """Through `vigil import` itself: exit code 1 and one clear line, for the cases that
    used to print a traceback or abort natively (pyarrow on Latin-1 text)."""
    db = tmp_path / "cli.sqlite3"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{db}"}
    vigil = str(Path(sys.executable).with_name("vigil"))
    subprocess.run([vigil, "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    cases = {
        "latin1.csv": MUTATIONS["latin-1"](real_heads["ucdp-ged"], ".csv")[1],
        "random.csv": MUTATIONS["random-bytes"](real_heads["ucdp-ged"], ".csv")[1],
        "fake.zip": MUTATIONS["fake-zip"](real_heads["ucdp-ged"], ".csv")[1],
        "inf.csv": set_cell(real_heads["ucdp-ged"], "best", "inf"),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        done = subprocess.run([vigil, "import", "ucdp-ged", str(path)], env=env,
                              capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 1, (name, done.returncode, done.stderr[-2000:])
        assert "Traceback" not in done.stderr, (name, done.stderr[-2000:])
        assert "CommandError" in done.stderr, (name, done.stderr[-2000:])
