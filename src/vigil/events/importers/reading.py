"""Reading source files (.csv, .csv.gz, .zip; comma or tab separated) into string tables.

The fast path parses with pyarrow and keeps every value as a string, so that validation, not
the parser, decides what a bad value is. Physical line numbers are only needed for rows that
fail validation, so they are computed on demand with the csv module, which knows where quoted
multi-line fields start and end.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.conf import settings

csv.field_size_limit(2**31 - 1)


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, empty, not a table, ambiguous archive)."""


@dataclass
class RawTable:
    """A source file parsed to strings, with what is needed to point back into the file."""

    frame: pd.DataFrame
    data: bytes
    delimiter: str
    has_header: bool
    sha256: str
    # Frame positions of records the parser could not split into the columns, with why.
    # They stay in the frame as empty rows so that positions and records stay aligned.
    malformed: dict[int, str] = field(default_factory=dict)
    # Leading records that are not data (an HXL hashtag row under the header).
    leading_skipped: int = 0
    # The physical line of each row, when the reader counted them as it went (a streamed
    # batch); otherwise they are computed from `data` on demand.
    start_lines: np.ndarray | None = None
    _lines: np.ndarray | None = None
    _text_lines: list[str] | None = None

    def line_of(self, position: int) -> int:
        """Physical line (1-based) where the record at frame position `position` starts."""
        if self.start_lines is not None:
            return int(self.start_lines[position])
        if self._lines is None:
            self._lines = _record_start_lines(self.data, self.delimiter)
        record = position + self.leading_skipped + (1 if self.has_header else 0)
        return int(self._lines[record])

    def record_text(self, position: int) -> str:
        """The record at `position` exactly as the file has it (all its physical lines)."""
        first = self.line_of(position)
        assert self._lines is not None
        record = position + self.leading_skipped + (1 if self.has_header else 0)
        after = int(self._lines[record + 1]) if record + 1 < len(self._lines) else None
        if self._text_lines is None:
            self._text_lines = self.data.decode("utf-8", errors="replace").splitlines()
        end = after - 1 if after else len(self._text_lines)
        return "\n".join(self._text_lines[first - 1 : end])


def load_bytes(path: Path) -> bytes:
    """The file's text as UTF-8 bytes: .gz is gunzipped, a .zip must hold exactly one table;
    decompression is capped (a small archive that expands to gigabytes is refused before it
    does); a byte-order mark (UTF-8, UTF-16, UTF-32) is honoured; text that is not UTF-8 is
    refused with where it fails, never decoded with replacement characters."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    name = path.name.lower()
    size = path.stat().st_size
    if name.endswith(".zip") or _starts_with(path, b"PK\x03\x04"):
        raw = _unzip(path, size)
    elif name.endswith(".gz") or _starts_with(path, b"\x1f\x8b"):
        with path.open("rb") as handle:
            raw = _capped_read(gzip.GzipFile(fileobj=handle), path, size, "gzip")
    else:
        raw = path.read_bytes()
    return _as_utf8(raw, path)


# Decompression limits: the expanded size, and the ratio to the compressed size. Real CSV
# exports compress 5-20x; GED's 1M-row file about 8x. Both can be raised in settings.
MAX_EXPANDED_BYTES = 8 * 1024**3
MAX_RATIO = 200


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "VIGIL_IMPORT_MAX_EXPANDED_BYTES", MAX_EXPANDED_BYTES)),
        int(getattr(settings, "VIGIL_IMPORT_MAX_RATIO", MAX_RATIO)),
    )


def _starts_with(path: Path, magic: bytes) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(magic)) == magic


def _capped_read(
    stream: io.BufferedIOBase | gzip.GzipFile, path: Path, size: int, kind: str
) -> bytes:
    limit, ratio = _limits()
    cap = min(limit, max(size, 1) * ratio)
    chunks: list[bytes] = []
    total = 0
    try:
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            if total > cap:
                raise ImportFileError(
                    f"{path}: the {kind} archive expands past {cap:,} bytes ({ratio}x its size "
                    f"or {limit:,} bytes at most): refused as a decompression bomb. Unpack it "
                    "yourself if it is real, or raise VIGIL_IMPORT_MAX_RATIO."
                )
            chunks.append(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFileError(f"{path}: not a valid {kind} file ({exc})") from None
    return b"".join(chunks)


def _unzip(path: Path, size: int) -> bytes:
    with zip_member(path) as member:
        return _capped_read(member, path, size, "zip")


def zip_member(path: Path) -> IO[bytes]:
    """The one table a .zip holds, opened for reading (the caller closes it)."""
    try:
        archive = zipfile.ZipFile(path)
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir() and m.filename.lower().endswith((".csv", ".tsv", ".txt"))
        ]
        if len(members) != 1:
            found = ", ".join(m.filename for m in members) or "none"
            raise ImportFileError(
                f"{path}: a .zip must hold exactly one .csv/.tsv/.txt table (found: {found})"
            )
        return archive.open(members[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise ImportFileError(f"{path}: not a valid zip file ({exc})") from None


BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def _check_utf8(raw: bytes, chunk: int = 1 << 24) -> None:
    """Strict UTF-8, checked 16 MB at a time (no second copy of a large file in memory).
    The error's `start` is an offset into the whole file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    for offset in range(0, len(raw), chunk):
        try:
            decoder.decode(view[offset : offset + chunk], final=offset + chunk >= len(raw))
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError(
                "utf-8", raw, offset + exc.start, offset + exc.end, exc.reason
            ) from None


def _as_utf8(raw: bytes, path: Path) -> bytes:
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"{path}: starts with a {encoding.upper()} byte-order mark but is not "
                    f"valid {encoding.upper()} at byte {exc.start + len(bom):,}"
                ) from None
            raw = text.encode("utf-8")
            break
    else:
        try:
            _check_utf8(raw)
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ImportFileError(
                f"{path}: line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                f"{exc.start:,}). Re-encode it as UTF-8 (e.g. iconv -f latin1 -t utf-8) and "
                "import it again; nothing was imported."
            ) from None
    if b"\r" in raw and b"\n" not in raw:
        raw = raw.replace(b"\r", b"\n")  # classic Mac line endings: CR alone ends a line
    return raw


def _record_start_lines(data: bytes, delimiter: str) -> np.ndarray:
    """Start line (1-based) of each CSV record, honouring quoted newlines."""
    text = io.StringIO(data.decode("utf-8", errors="replace"), newline="")
    reader = csv.reader(text, delimiter=delimiter, quoting=_quoting(delimiter))
    starts: list[int] = []
    previous_end = 0
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return np.asarray(starts, dtype=np.int64)


def _quoting(delimiter: str) -> int:
    # Tab-separated exports (GDELT) carry quotes inside values and never quote fields.
    return csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL


def read_table(
    path: Path,
    *,
    delimiter: str = ",",
    column_names: list[str] | None = None,
    ragged: bool = False,
) -> RawTable:
    """Parse a delimited file to a frame of strings (missing values are empty strings).

    With `column_names` the file has no header. With `ragged`, rows shorter than the
    column list are padded with empty strings (GDELT 1.0 mixes 57- and 58-field rows).
    """
    data = load_bytes(path)
    if not data.strip():
        raise ImportFileError(f"{path}: the file is empty")
    sha256 = hashlib.sha256(data).hexdigest()
    has_header = column_names is None
    if ragged or delimiter == "\t":
        frame, malformed = _read_with_csv_module(data, delimiter, column_names, ragged=ragged)
    else:
        frame, malformed = _read_with_pyarrow(data, delimiter, column_names)
    table = RawTable(frame, data, delimiter, has_header, sha256, malformed)
    drop_hxl_tag_row(table)
    return table


def _header(data: bytes, delimiter: str) -> list[str]:
    first = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
    names = next(csv.reader([first], delimiter=delimiter))
    if not names or not any(n.strip() for n in names):
        raise ImportFileError("the file has no header row")
    return [n.strip() or f"column_{i}" for i, n in enumerate(names)]


def _read_with_pyarrow(
    data: bytes, delimiter: str, column_names: list[str] | None
) -> tuple[pd.DataFrame, dict[int, str]]:
    names = column_names or _header(data, delimiter)
    bad: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append(row.number or 0)
        return "skip"

    read_options = pacsv.ReadOptions(
        column_names=names, skip_rows=0 if column_names else 1, use_threads=True, block_size=1 << 24
    )
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
    )
    convert_options = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
    )
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    except pa.ArrowInvalid as exc:
        reason = str(exc)
        if "straddling" in reason:
            reason = f"a field is longer than {read_options.block_size:,} bytes"
        raise ImportFileError(f"cannot parse as CSV: {reason}") from None
    except pa.ArrowException as exc:  # anything else pyarrow raises: a clear error, no trace
        raise ImportFileError(f"cannot parse as CSV: {exc}") from None
    if bad:
        # pyarrow skips bad rows, which would shift every later line number; the csv module
        # keeps every record in order, so reparse with it to report exact lines.
        return _read_with_csv_module(data, delimiter, column_names, ragged=False)
    return table.to_pandas(), _long_fields_arrow(table)


# A field longer than this is refused with its row: no source writes descriptions of a
# megabyte, and one would be copied into every page and export that shows the event.
MAX_FIELD_CHARS = 100_000


def _long_fields_arrow(table: pa.Table) -> dict[int, str]:
    found: dict[int, str] = {}
    for name in table.column_names:
        lengths = pc.utf8_length(table[name])
        if (pc.max(lengths).as_py() or 0) <= MAX_FIELD_CHARS:
            continue
        over = pc.indices_nonzero(pc.greater(lengths, MAX_FIELD_CHARS)).to_pylist()
        for position in over:
            found.setdefault(position, _too_long(name, lengths[position].as_py()))
    return found


def _too_long(name: str, length: int) -> str:
    return f"{name}: {length:,} characters, over the limit of {MAX_FIELD_CHARS:,}"


def fit_record(record: list[str], names: list[str], *, ragged: bool) -> tuple[list[str], str]:
    """A csv record as a row of the header's width, or an empty row and why it is not one.
    An empty record stays an empty row, so that validation names it as such."""
    width = len(names)
    longest = max((len(v) for v in record), default=0)
    if longest > MAX_FIELD_CHARS:
        index = next(i for i, v in enumerate(record) if len(v) == longest)
        name = names[index] if index < width else f"field {index + 1}"
        return [""] * width, _too_long(name, longest)
    if len(record) == width:
        return record, ""
    if ragged and 0 < len(record) < width:
        return record + [""] * (width - len(record)), ""
    if len(record) == 0 or record == [""]:
        return [""] * width, ""
    return [""] * width, f"expected {width} fields, found {len(record)}"


def _read_with_csv_module(
    data: bytes, delimiter: str, column_names: list[str] | None, *, ragged: bool
) -> tuple[pd.DataFrame, dict[int, str]]:
    text = io.StringIO(data.decode("utf-8-sig", errors="replace"), newline="")
    reader = csv.reader(text, delimiter=delimiter, quoting=_quoting(delimiter))
    names = column_names
    if names is None:
        names = [n.strip() or f"column_{i}" for i, n in enumerate(next(reader))]
    rows: list[list[str]] = []
    malformed: dict[int, str] = {}
    for record in reader:
        row, reason = fit_record(record, names, ragged=ragged)
        if reason:
            malformed[len(rows)] = reason
        rows.append(row)
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    return frame, malformed


def drop_hxl_tag_row(table: RawTable) -> None:
    """HDX republishes files with an HXL hashtag row under the header; it is not a record."""
    frame = table.frame
    if frame.empty:
        return
    # An unnamed leading column is a pandas index someone saved with the file ("0" on this row).
    named = [c for c in frame.columns if c != "column_0"]
    first = [str(v).strip() for v in frame.iloc[0][named].tolist()]
    filled = [v for v in first if v]
    if filled and all(v.startswith("#") for v in filled):
        table.frame = frame.iloc[1:].reset_index(drop=True)
        table.leading_skipped = 1
        table.malformed = {p - 1: r for p, r in table.malformed.items() if p > 0}
        if table.start_lines is not None:
            table.start_lines = table.start_lines[1:]


@dataclass
class RecordTable(RawTable):
    """A page of records an API returned (JSON objects), as the importers' string table.

    Values become the strings a file export of the same source would hold (numbers as
    written, null as empty), so one importer judges both. A row's "line" is its position
    in the page, from 1, and its record is the JSON object as received."""

    records: list[dict] = field(default_factory=list)
    # The rows' lines in the file they were taken from, when a connector filtered a file.
    lines: list[int] | None = None

    @classmethod
    def from_records(
        cls, records: list[dict], columns: list[str] | None = None, lines: list[int] | None = None
    ) -> RecordTable:
        names = list(columns or dict.fromkeys(k for r in records for k in r))
        frame = pd.DataFrame(
            [[_text(r.get(name)) for name in names] for r in records], columns=names, dtype=object
        )
        body = "\n".join(json.dumps(r, sort_keys=True, default=str) for r in records).encode()
        return cls(
            frame=frame,
            data=body,
            delimiter="",
            has_header=False,
            sha256=hashlib.sha256(body).hexdigest(),
            records=records,
            lines=lines,
        )

    def line_of(self, position: int) -> int:
        return self.lines[position] if self.lines is not None else position + 1

    def record_text(self, position: int) -> str:
        return json.dumps(self.records[position], sort_keys=True, default=str)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
