"""Reading a source file in bounded batches: the memory of an import does not grow with the file.

`read_table` holds the whole file, its bytes and its frame, which a million-row release
turns into gigabytes. Here the file is decompressed as a stream (gzip, zip, a byte-order
mark and classic Mac line ends handled on the way) and parsed one block at a time:

- the fast path is pyarrow's streaming CSV reader, every value kept a string. Each row's
  physical line is the line after the previous row's end, counted from the line breaks
  inside its quoted values, so line numbers stay exact without a second parse;
- anything the fast path cannot vouch for (a row that does not split into the header's
  columns, a blank line, text that is not UTF-8) raises `NeedsExactReading`, and the caller
  reads the file again with the csv module, which reports every such row at its line;
- tab-separated and ragged files (GDELT) are read with the csv module from the start.

Each batch is a `RawTable` whose `start_lines` give the physical line of every row.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from vigil.events.importers.reading import (
    BOMS,
    ImportFileError,
    RawTable,
    _limits,
    _long_fields_arrow,
    _quoting,
    drop_hxl_tag_row,
    fit_record,
    zip_member,
)

# Rows per batch on the exact path, bytes per block on the fast path: a block of 16 MB is
# about 25,000 GED rows, whose frame of strings and converted columns stay near 100 MB.
BATCH_ROWS = 25_000
BLOCK_BYTES = 1 << 24


class NeedsExactReading(Exception):
    """The fast parser met something only the csv module can place at its line."""


@dataclass(frozen=True)
class Layout:
    """How a source's file is split: its delimiter, its column names when it has no header
    row, and whether short rows are padded (GDELT 1.0 mixes 57- and 58-field rows)."""

    delimiter: str = ","
    column_names: tuple[str, ...] | None = None
    ragged: bool = False

    @property
    def exact_only(self) -> bool:
        # Tab-separated exports carry quotes inside values and never quote fields, which
        # pyarrow cannot be told; ragged rows it would refuse.
        return self.ragged or self.delimiter == "\t"


def file_sha256(path: Path) -> str:
    """The digest of the file as stored, as `sha256sum` prints it."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class _Capped(io.RawIOBase):
    """A decompressing stream that refuses to expand past the configured cap (a
    decompression bomb is stopped before it fills the disk or the time of the import)."""

    def __init__(self, stream: IO[bytes], path: Path, size: int, kind: str) -> None:
        limit, ratio = _limits()
        self.stream, self.path, self.kind = stream, path, kind
        self.cap, self.limit, self.ratio = min(limit, max(size, 1) * ratio), limit, ratio
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            chunk = self.stream.read(len(buffer))
        except (OSError, EOFError, zlib.error) as exc:
            raise ImportFileError(f"{self.path}: not a valid {self.kind} file ({exc})") from None
        self.total += len(chunk)
        if self.total > self.cap:
            raise ImportFileError(
                f"{self.path}: the {self.kind} archive expands past {self.cap:,} bytes "
                f"({self.ratio}x its size or {self.limit:,} bytes at most): refused as a "
                "decompression bomb. Unpack it yourself if it is real, or raise "
                "VIGIL_IMPORT_MAX_RATIO."
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)


class _Recoded(io.RawIOBase):
    """UTF-8 bytes from a stream in another encoding (a file with a UTF-16/32 byte-order
    mark), or from UTF-8 with classic Mac line ends (CR alone), converted as they are read."""

    def __init__(self, stream: IO[bytes], encoding: str, *, cr_only: bool, path: Path) -> None:
        self.stream, self.encoding, self.cr_only, self.path = stream, encoding, cr_only, path
        self.decoder = codecs.getincrementaldecoder(encoding)()
        self.pending = b""
        self.done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.pending and not self.done:
            raw = self.stream.read(1 << 20)
            self.done = not raw
            try:
                text = self.decoder.decode(raw, final=self.done)
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"{self.path}: not valid {self.encoding.upper()} text ({exc.reason})"
                ) from None
            if self.cr_only:
                text = text.replace("\r", "\n")
            self.pending = text.encode("utf-8")
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def open_source(path: Path) -> io.BufferedReader:
    """The file's text as a stream of UTF-8 bytes (see the module docstring); the caller
    closes it. A zip must hold exactly one table."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    size = path.stat().st_size
    handle = path.open("rb")
    magic = handle.read(4)
    handle.seek(0)
    stream: IO[bytes]
    if path.name.lower().endswith(".zip") or magic == b"PK\x03\x04":
        handle.close()
        stream = _Capped(zip_member(path), path, size, "zip")  # type: ignore[arg-type]
    elif path.name.lower().endswith(".gz") or magic[:2] == b"\x1f\x8b":
        stream = _Capped(gzip.GzipFile(fileobj=handle), path, size, "gzip")  # type: ignore[arg-type]
    else:
        stream = handle
    buffered = io.BufferedReader(stream, buffer_size=1 << 20)  # type: ignore[arg-type]
    head = buffered.peek(1 << 16)[: 1 << 16]
    for bom, encoding in BOMS:
        if head.startswith(bom):
            buffered.read(len(bom))
            if encoding == "utf-8":
                break
            recoded = _Recoded(buffered, encoding, cr_only=False, path=path)
            return io.BufferedReader(recoded, buffer_size=1 << 20)  # type: ignore[arg-type]
    if b"\r" in head and b"\n" not in head:
        recoded = _Recoded(buffered, "utf-8", cr_only=True, path=path)
        return io.BufferedReader(recoded, buffer_size=1 << 20)  # type: ignore[arg-type]
    return buffered


def first_line(path: Path) -> str:
    """The file's first line, decoded: enough for an importer to recognise its layout."""
    with open_source(path) as stream:
        return stream.readline(1 << 20).decode("utf-8", errors="replace").rstrip("\r\n")


def _header_names(line: bytes, delimiter: str) -> list[str]:
    text = line.decode("utf-8", errors="replace").rstrip("\r\n")
    names = next(csv.reader([text], delimiter=delimiter), [])
    if not names or not any(n.strip() for n in names):
        raise ImportFileError("the file has no header row")
    return [n.strip() or f"column_{i}" for i, n in enumerate(names)]


def stream_table(
    path: Path, layout: Layout = Layout(), *, exact: bool = False
) -> Iterator[RawTable]:
    """Batches of the file's records as string tables with their physical lines.

    Raises `NeedsExactReading` (fast path only: call again with `exact=True`) and
    `ImportFileError` when the file as a whole cannot be read."""
    if exact or layout.exact_only:
        yield from _stream_with_csv_module(path, layout)
    else:
        yield from _stream_with_pyarrow(path, layout)


def _stream_with_pyarrow(path: Path, layout: Layout) -> Iterator[RawTable]:
    with open_source(path) as stream:
        if layout.column_names is None:
            header = stream.readline(1 << 20)
            if not header.strip():
                raise ImportFileError(f"{path}: the file is empty")
            names = _header_names(header, layout.delimiter)
            line = 2
        else:
            names, line = list(layout.column_names), 1
        try:
            reader = pacsv.open_csv(
                pa.PythonFile(stream, mode="r"),
                read_options=pacsv.ReadOptions(
                    column_names=names, use_threads=True, block_size=BLOCK_BYTES
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=layout.delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    null_values=[],
                ),
            )
            first = True
            for batch in reader:
                table = pa.Table.from_batches([batch])
                breaks = np.zeros(len(table), dtype=np.int64)
                for name in table.column_names:
                    breaks += pc.count_substring(table[name], "\n").to_numpy(zero_copy_only=False)
                offsets = np.arange(len(table), dtype=np.int64) + np.cumsum(breaks) - breaks
                raw = RawTable(
                    frame=table.to_pandas(),
                    data=b"",
                    delimiter=layout.delimiter,
                    has_header=layout.column_names is None,
                    sha256="",
                    malformed=_long_fields_arrow(table),
                    start_lines=line + offsets,
                )
                line += len(table) + int(breaks.sum())
                if first:
                    drop_hxl_tag_row(raw)
                    first = False
                yield raw
        except pa.ArrowInvalid as exc:
            reason = str(exc)
            # A row that does not split into the header's columns (a blank line included),
            # or text that is not UTF-8: the csv module reports each at its line.
            if any(m in reason for m in ("UTF8", "UTF-8", "CSV parse error")):
                raise NeedsExactReading(reason) from None
            if "straddling" in reason:
                reason = f"a field is longer than {BLOCK_BYTES:,} bytes"
            if "Empty CSV file" in reason:
                raise ImportFileError(f"{path}: the file is empty") from None
            raise ImportFileError(f"cannot parse as CSV: {reason}") from None
        except pa.ArrowException as exc:
            raise ImportFileError(f"cannot parse as CSV: {exc}") from None


def _stream_with_csv_module(path: Path, layout: Layout) -> Iterator[RawTable]:
    with open_source(path) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", errors="strict", newline="")
        reader = csv.reader(text, delimiter=layout.delimiter, quoting=_quoting(layout.delimiter))
        try:
            yield from _csv_batches(path, reader, layout)
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"{path}: line {reader.line_num + 1}: not UTF-8 text ({exc.reason}, byte "
                f"0x{exc.object[exc.start]:02x}). Re-encode it as UTF-8 (e.g. iconv -f latin1 "
                "-t utf-8) and import it again; nothing was imported."
            ) from None


def _csv_batches(path: Path, reader: csv._reader, layout: Layout) -> Iterator[RawTable]:
    names = list(layout.column_names) if layout.column_names else None
    if names is None:
        header = next(reader, None)
        if header is None or not any(v.strip() for v in header):
            raise ImportFileError(f"{path}: the file is empty")
        names = [n.strip() or f"column_{i}" for i, n in enumerate(header)]
        if names and names[0].startswith("\ufeff"):
            names[0] = names[0][1:]
    rows: list[list[str]] = []
    lines: list[int] = []
    malformed: dict[int, str] = {}
    first = True
    seen_any = False
    previous_end = reader.line_num
    for record in reader:
        lines.append(previous_end + 1)
        previous_end = reader.line_num
        seen_any = seen_any or bool(record)
        row, reason = fit_record(record, names, ragged=layout.ragged)
        if reason:
            malformed[len(rows)] = reason
        rows.append(row)
        if len(rows) >= BATCH_ROWS:
            yield _csv_table(rows, names, lines, malformed, layout, first)
            rows, lines, malformed, first = [], [], {}, False
    if first and not seen_any and layout.column_names is not None:
        raise ImportFileError(f"{path}: the file is empty")
    if rows or first:
        yield _csv_table(rows, names, lines, malformed, layout, first)


def _csv_table(
    rows: list[list[str]],
    names: list[str],
    lines: list[int],
    malformed: dict[int, str],
    layout: Layout,
    first: bool,
) -> RawTable:
    table = RawTable(
        frame=pd.DataFrame(rows, columns=names, dtype=object),
        data=b"",
        delimiter=layout.delimiter,
        has_header=layout.column_names is None,
        sha256="",
        malformed=malformed,
        start_lines=np.asarray(lines, dtype=np.int64),
    )
    if first:
        drop_hxl_tag_row(table)
    return table


def record_texts(path: Path, spans: dict[int, int]) -> dict[int, str]:
    """The records starting at the given lines, exactly as the file has them: `spans` maps
    a record's first line to its last. Read in one pass, for the rejects file."""
    found: dict[int, list[str]] = {}
    if not spans:
        return {}
    ends = sorted(spans.items())
    index = 0
    with open_source(path) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline=None)
        for number, line in enumerate(text, start=1):
            while index < len(ends) and ends[index][1] < number:
                index += 1
            if index >= len(ends):
                break
            start, end = ends[index]
            if start <= number <= end:
                found.setdefault(start, []).append(line.rstrip("\n"))
    return {start: "\n".join(parts) for start, parts in found.items()}
