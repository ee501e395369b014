"""Bytes to rows of cells: text encodings and separators, workbooks (.xlsx, .xls), zips.

Exports come from strangers: every reader here is bounded (file size, decompressed size,
member count, rows) and never writes to disk; a zip member is read into memory, whatever
its name says; workbooks' XML is parsed with defusedxml (openpyxl uses it when installed).
Problems are TableError values that name what is wrong, never tracebacks.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add, methodcaller, sub
from typing import Any

Row = tuple[int, list[Any]]  # line (text) or row (workbook) number, from 1; the cells

MAX_MEMBERS = 200  # members of a Plausible zip (about 25) or of a workbook (a few dozen)
MAX_FIELD = 1_000_000  # characters in one CSV cell (the csv module's default is 131,072)
SEPARATORS = (",", ";", "\t")

csv.field_size_limit(MAX_FIELD)


class TableError(Exception):
    """A file that cannot be read as a table at all; `line` is where reading stopped."""

    def __init__(self, code: str, message: str, hint: str = "", line: int = 1) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.line = code, message, hint, line


class Rows(Iterator[Row]):
    """The rows of a table read at once (a CSV, an .xls sheet), as an iterator of (line,
    cells) whose rest can also be taken in one step (take): the header is looked for row by
    row, then 100,000 rows are sliced, not made into pairs and split again."""

    def __init__(self, lines: Sequence[int], cells: list[list[Any]]) -> None:
        self._lines, self._cells, self._next = lines, cells, 0

    def __iter__(self) -> Rows:
        return self

    def __next__(self) -> Row:
        i = self._next
        if i >= len(self._cells):
            raise StopIteration
        self._next = i + 1
        return self._lines[i], self._cells[i]

    def take(self, limit: int) -> tuple[list[int], list[list[Any]]]:
        """The lines and cells of the next `limit` rows (or fewer, at the end)."""
        start = self._next
        self._next = end = min(start + limit, len(self._cells))
        return list(self._lines[start:end]), self._cells[start:end]


@dataclass(frozen=True)
class Sheet:
    """One table of a file: a CSV, a workbook's sheet or a zip member; `preamble` holds the
    lines starting with '#' above a CSV's table (GA4 writes its period there)."""

    name: str
    rows: Iterator[Row]
    encoding: str = ""
    preamble: tuple[str, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- text


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was read in: a BOM says it (UTF-8, UTF-16 LE or
    BE); else UTF-16 is recognised by its zero bytes, else UTF-8, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", "replace"), "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace"), "utf-16-be"
    head = data[:4096]
    if len(head) >= 4:
        odd_zeros, even_zeros = head[1::2].count(0), head[0::2].count(0)
        half = len(head) // 4
        if odd_zeros > half and even_zeros == 0:
            return data.decode("utf-16-le", "replace"), "utf-16-le"
        if even_zeros > half and odd_zeros == 0:
            return data.decode("utf-16-be", "replace"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), "cp1252"


def _separator(lines: list[str]) -> str:
    """The separator that cuts the first lines into the most rows of one width (a header and its
    rows agree on their number of cells; a comma inside a ';' file's text does not)."""
    best, best_score = ",", (0, 0)
    for sep in SEPARATORS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=sep) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        width, times = Counter(wide).most_common(1)[0]
        score = (times, width)
        if score > best_score:
            best, best_score = sep, score
    return best


def csv_sheet(name: str, data: bytes) -> Sheet:
    """A CSV (or TSV) file's one table, whatever its encoding and separator."""
    text, encoding = decode(data)
    preamble = _preamble(text)
    start = len(preamble)
    sample = _head(text, start + 30).splitlines()[start : start + 30]
    sep = _separator(sample)
    return Sheet(name, _csv_rows(text, sep), encoding, tuple(p for p in preamble if p))


def _preamble(text: str) -> list[str]:
    """The lines starting with '#' above a CSV's table, and a blank line before them."""
    head = _head(text, 64)
    preamble: list[str] = []
    for part in (head, text) if len(head) < len(text) else (text,):
        preamble = []
        for raw in io.StringIO(part, newline=""):
            line = raw.rstrip("\r\n")
            if not (line.startswith("#") or (not line.strip() and not preamble)):
                return preamble
            preamble.append(line)
        # The head was preamble all through (or its cut last line looked blank): the whole text.
    return preamble


def _head(text: str, lines: int) -> str:
    """The beginning of text that holds its first `lines` lines whole (splitting an export of
    100,000 lines to look at 30 of them was a tenth of the time of reading it)."""
    size = 8192
    while size < len(text):
        # One line more than asked: the last line of a cut text may itself be cut.
        if len(text[:size].splitlines()) > lines:
            return text[:size]
        size *= 4
    return text


def _csv_rows(text: str, sep: str) -> Iterator[Row]:
    """The rows of a CSV text with the line each starts on, all parsed at once: the csv
    module's reader in C, then the lines counted from the rows' own line breaks in C, rather
    than a Python step per row; any row the reader refuses, read again row by row, to stop
    at the same line with the same diagnostic."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        rows = list(reader)
    except csv.Error:
        return _csv_rows_one_by_one(text, sep)
    lines = _first_lines(rows, reader.line_num, text)
    if lines is None:
        return _csv_rows_one_by_one(text, sep)
    return Rows(lines, rows)


def _first_lines(rows: list[list[str]], read: int, text: str) -> list[int] | range | None:
    """The line where each row starts, given that the reader read `read` lines of `text` in
    all: a row takes one line plus the line breaks inside its quoted cells (kept as written:
    the reader is given the text with newline=""); None when the count disagrees."""
    if read == len(rows):  # no cell holds a line break: one row per line
        return range(1, read + 1)
    if text.count("\r") == text.count("\r\n"):
        # Every CR of the text is in a CRLF (or there is none): no cell holds a lone CR
        # either (a CR that ends a quoted cell is followed by its closing quote), so a row's
        # line breaks are its LFs, counted as each row is joined, in one pass in C.
        breaks = list(map(methodcaller("count", "\n"), map("".join, rows)))
        return _starts(breaks, read)
    joined = list(map("".join, rows))
    breaks = list(map(methodcaller("count", "\n"), joined))
    if any(map(methodcaller("__contains__", "\r"), joined)):
        # A lone CR ends a line too (as io reads lines with newline=""), and CRLF is one end.
        breaks = list(
            map(
                sub,
                map(add, breaks, map(methodcaller("count", "\r"), joined)),
                map(methodcaller("count", "\r\n"), joined),
            )
        )
    return _starts(breaks, read)


def _starts(breaks: list[int], read: int) -> list[int] | None:
    """The first line of each row from the line breaks inside it (None: not `read` in all)."""
    spans = list(map((1).__add__, breaks))
    if sum(spans) != read:
        return None
    starts = list(accumulate(spans, initial=1))
    starts.pop()
    return starts


def _csv_rows_one_by_one(text: str, sep: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    line = 0  # where the previous row ended: a quoted cell can hold line breaks
    try:
        for cells in reader:  # cheaper per row than next() inside a try
            yield line + 1, cells
            line = reader.line_num
    except csv.Error as exc:
        raise TableError(
            "export-unreadable",
            f"the CSV cannot be read past this line: {exc}",
            "export the file again from the network's site",
            line + 1,
        ) from None


# ---------------------------------------------------------------- zips and workbooks


# What zipfile raises on a damaged archive (found by altering the samples): a bad header or
# checksum, bad deflated bytes, a negative seek, an unknown version or compression, encryption.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


def _bounded_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes, refusing it once it passes `budget` decompressed (a zip bomb stops there)."""
    if info.file_size > budget:
        raise TableError(
            "export-too-large",
            f"'{_printable(info.filename)}' says it is {info.file_size:,} bytes once decompressed, "
            f"past the {budget:,} bytes left to read",
            "export a shorter period, or raise stats.max_file_bytes in site_config.yml",
        )
    try:
        with archive.open(info) as handle:
            data = handle.read(budget + 1)
    except _ZIP_ERRORS:
        # A damaged member (a wrong checksum, a cut download), an encrypted one, an unknown
        # compression: the file cannot be read, said rather than raised.
        raise TableError(
            "export-unreadable",
            f"'{_printable(info.filename)}' in the zip is damaged or cannot be decompressed",
            "download the export again",
        ) from None
    if len(data) > budget:
        raise TableError(
            "export-too-large",
            f"'{_printable(info.filename)}' is larger than it says once decompressed",
            "this is not an export as the tools write it: remove it",
        )
    return data


def _printable(name: str) -> str:
    text = "".join(c if c.isprintable() else "?" for c in name)
    return text if len(text) <= 80 else text[:79] + "…"


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise TableError(
            "export-unreadable", f"not a readable zip file ({exc})", "download the export again"
        ) from None
    if len(archive.infolist()) > MAX_MEMBERS:
        raise TableError(
            "export-unreadable",
            f"the zip holds {len(archive.infolist())} files, more than the {MAX_MEMBERS} an "
            "export holds",
            "this is not an export as the tools write it: remove it",
        )
    return archive


def unsafe_member(name: str) -> bool:
    """Whether a member's name is a path (a folder, `..`, an absolute or Windows path)."""
    return "/" in name or "\\" in name or name.startswith(".") or ":" in name or not name


def zip_sheets(data: bytes, limit: int) -> tuple[list[Sheet], list[str]]:
    """The CSV members of a zip (Plausible's export) as sheets, and the names left out: members
    with a path in their name and others than .csv are never read."""
    archive = _open_zip(data)
    sheets, skipped = [], []
    budget = limit
    for info in archive.infolist():
        name = info.filename
        if info.is_dir():
            continue
        if unsafe_member(name) or not name.lower().endswith(".csv"):
            skipped.append(_printable(name))
            continue
        member = _bounded_read(archive, info, budget)
        budget -= len(member)
        sheets.append(csv_sheet(name, member))
    return sheets, skipped


def _check_workbook_zip(data: bytes, limit: int) -> None:
    """Decompress every part of an .xlsx once, bounded, before openpyxl parses it."""
    archive = _open_zip(data)
    budget = limit
    for info in archive.infolist():
        budget -= len(_bounded_read(archive, info, budget))


def xlsx_sheets(data: bytes, limit: int) -> list[Sheet]:
    """The sheets of an .xlsx workbook, read with openpyxl (values, not formulas)."""
    import openpyxl

    _check_workbook_zip(data, limit)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise TableError(
            "export-unreadable",
            f"not a readable .xlsx workbook ({type(exc).__name__}: {_printable(str(exc))})",
            "open it in a spreadsheet and save it again as .xlsx, or download it again",
        ) from None
    return [Sheet(ws.title, _xlsx_rows(ws)) for ws in book.worksheets]


def _xlsx_rows(ws: Any) -> Iterator[Row]:
    try:
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            yield number, list(values)
    except Exception as exc:  # noqa: BLE001 - a broken part of the workbook
        raise TableError(
            "export-unreadable",
            f"sheet '{ws.title}' cannot be read to the end ({type(exc).__name__})",
            "open it in a spreadsheet and save it again",
        ) from None


def xls_sheets(data: bytes, limit: int) -> list[Sheet]:
    """The sheets of a legacy .xls workbook (LinkedIn's page export), read with python-calamine.

    Compared on a 20,000-row export with xlrd 2 (pure Python, in maintenance): calamine (Rust,
    released monthly) parses it about seven times faster, and the 100,000-row budget of the
    benchmark needs it (docs/contributor/performance.md). Memory-safe is not enough on a
    stranger's file: a damaged .xls made calamine 0.9.1 panic, and another loop while taking
    all the machine's memory (22 GB before the kernel killed it), so a workbook is first read
    in a child process held to a memory and time budget (_xls_probe), then here.
    """
    import python_calamine

    if len(data) > limit:
        raise TableError("export-too-large", f"the workbook is {len(data):,} bytes", "")
    why = _xls_probe(data)
    if why:
        raise TableError(
            "export-unreadable",
            f"not a readable .xls workbook ({why})",
            "download the export again, or open it in a spreadsheet and save it as .xlsx",
        )
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
    except BaseException as exc:  # noqa: BLE001 - calamine raises its own kinds, and panics
        _reraise_unless_broken(exc)
        raise TableError(
            "export-unreadable",
            f"not a readable .xls workbook ({type(exc).__name__}: {_printable(str(exc))})",
            "download the export again, or open it in a spreadsheet and save it as .xlsx",
        ) from None
    sheets = []
    for name in names[:MAX_MEMBERS]:
        try:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except BaseException as exc:  # noqa: BLE001 - as above
            _reraise_unless_broken(exc)
            raise TableError(
                "export-unreadable",
                f"sheet '{_printable(name)}' of the workbook cannot be read ({type(exc).__name__})",
                "open it in a spreadsheet and save it again as .xlsx",
            ) from None
        sheets.append(Sheet(name, _xls_rows(rows)))
    return sheets


XLS_SECONDS = 30.0  # a LinkedIn export of 20,000 rows takes a tenth of a second
XLS_MEMORY = 512 << 20  # bytes the child may take beyond its own size (and 64 per byte read)


def _xls_probe(data: bytes) -> str:
    """Why calamine cannot read this workbook ("" when it can), found in a child Python held
    to XLS_MEMORY of memory and XLS_SECONDS: a panic, a loop or a runaway allocation there
    ends the child, never this process (where the workbook is then read again, safely).

    A fresh interpreter (started without copying this process, about 0.1 s of CPU for a
    20,000-row export), not a fork: a fork of a process holding 100,000 rows cost up to half
    a second of copied page tables and memory."""
    import python_calamine

    # -S: no site (a venv's site costs the child 40 ms of its 100); calamine's folder instead.
    where = os.path.dirname(os.path.dirname(os.path.abspath(python_calamine.__file__)))
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _XLS_CHILD, str(XLS_MEMORY), where],
            input=data,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # a panic's message: the diagnostic says what failed
            timeout=XLS_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"reading it took more than {XLS_SECONDS:.0f} s"
    except OSError:
        return ""  # no child can be started: read here, as before
    if done.returncode == 0:
        return ""
    if done.returncode == _BROKEN:
        return "the workbook reader refused it"
    return "it made the workbook reader run out of memory or fail"


_BROKEN = 3  # the child's exit code for a workbook that calamine refused (an error, a panic)
# The child: its memory limited (where the system allows) to its own size and the budget,
# then the workbook parsed by calamine (its rows as Python objects are not needed).
_XLS_CHILD = """
import io, os, sys
data = sys.stdin.buffer.read()
try:
    import resource
    with open("/proc/self/statm", encoding="ascii") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    budget = size + int(sys.argv[1]) + 64 * len(data)
    resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
except (ImportError, OSError, ValueError):
    pass  # no /proc (macOS): the time limit still holds
try:
    sys.path.append(sys.argv[2])
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in list(book.sheet_names)[:200]:
        book.get_sheet_by_name(name)
except BaseException:
    os._exit(3)
os._exit(0)
"""


def _reraise_unless_broken(exc: BaseException) -> None:
    """Raise again what is not a broken file: an interrupt, an exit. A Rust library's panic on
    a damaged workbook (pyo3's PanicException, a BaseException, found by feeding calamine cut
    and altered samples) is a broken file, said as a diagnostic."""
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc


def _xls_rows(rows: list[list[Any]]) -> Rows:
    # calamine writes an empty cell as "": None, as openpyxl does (by a dict, in C per row).
    empty = {"": None}.get
    return Rows(range(1, len(rows) + 1), [list(map(empty, values, values)) for values in rows])
