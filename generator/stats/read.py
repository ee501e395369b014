"""Read stats/: every export as it was downloaded, to numbers and visits, with a diagnostic for
every file, sheet or row that cannot be read (a warning: exports come from strangers, and one
bad row must not stop the portal; it is listed, never silently dropped).
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from html import unescape
from itertools import chain, compress, islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from ..diagnostics import Diagnostic, Severity, error, warning
from . import formats as fm
from .config import StatsConfig
from .model import ExportFile, Numbers, Readout, Visits
from .published import post_key
from .tables import (
    Row,
    Rows,
    Sheet,
    TableError,
    csv_sheet,
    xls_sheets,
    xlsx_sheets,
    zip_sheets,
)

HEADER_ROWS = 50  # a header is looked for in the first rows (below a preamble)
# ...and after a blank line up to this row: GA4 writes a report's sections one after the other
# (a chart's series by day or hour first, then the table), separated by blank lines.
SECTION_ROWS = 20_000
ROW_DIAGNOSTICS = 20  # unreadable rows reported one by one per file, then counted
TEXT_KEPT = 500  # characters of a message kept to match it to the plan
FETCHED = "public-counts.json"  # written by `relais stats fetch`, read by fetch.read_counts
SKIPPED_NAMES = ("readme.md", "readme.txt", ".gitkeep", ".gitignore", FETCHED)
_TOTAL = re.compile(r"^(grand )?totals?\b|^totaux\b|^total general\b|^gesamt")
_PERIOD = re.compile(r"(\d{4}-\d{2}-\d{2})\D{1,6}(\d{4}-\d{2}-\d{2})")
# GA4 explorations' "# 20261101-20261130", Plausible's imported_sources_20261101_20261130.csv
_COMPACT_PERIOD = re.compile(r"(?<!\d)(\d{8})\s*[-_]\s*(\d{8})(?!\d)")
_START_KEYS = frozenset(
    ("start date", "date de debut", "fecha de inicio", "startdatum", "data di inizio")
)
_END_KEYS = frozenset(
    ("end date", "date de fin", "fecha de finalizacion", "fecha de fin", "enddatum", "data di fine")
)
# The name of a GA4 segment or comparison that holds every visit, in the interface's languages.
_ALL_USERS = frozenset(
    fm.norm(n)
    for n in (
        "All Users",
        "All users",
        "Totals",
        "Total",
        "Tous les utilisateurs",
        "Totaux",
        "Todos los usuarios",
        "Alle Nutzer",
        "Tutti gli utenti",
    )
)
_MONTH = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?!-?\d)")
_MONTH_NAMED = re.compile(r"(?<![^\W\d_])([^\W\d_]{3,})\.?\s+(\d{4})(?!\d)")
_T = TypeVar("_T")


@dataclass
class _File:
    """What reading one file gave."""

    rel: str
    numbers: list[Numbers] = field(default_factory=list)
    visits: list[Visits] = field(default_factory=list)
    files: list[ExportFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    bad_rows: int = 0

    def warn(self, line: int, code: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(warning(self.rel, line, code, message, hint))

    def bad_row(self, line: int, message: str, where: str = "") -> None:
        self.bad_rows += 1
        if self.bad_rows <= ROW_DIAGNOSTICS:
            self.warn(
                line,
                "stats-row-unreadable",
                f"{where}row left out: {message}",
                "correct the cell in the export, or download it again",
            )


def _outside(root: Path, config: StatsConfig) -> Diagnostic | None:
    """An error when the stats folder, or a folder on the way to it, is a link that leads out of
    the repository (a commit can make `stats` a link to another folder of the machine)."""
    folder = root / config.folder
    try:
        inside = folder.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        inside = False
    if inside:
        return None
    return error(
        config.folder,
        1,
        "stats-folder-outside",
        "the statistics folder leads out of the repository (a symbolic link): nothing outside "
        "the repository is read",
        f"make {config.folder} a folder of the repository and copy the exports into it",
    )


def read_exports(root: Path | str, config: StatsConfig, site_zone: str) -> Readout:
    """Read every export under the stats folder (none: an empty Readout)."""
    root = Path(root)
    folder = root / config.folder
    if not folder.is_dir():
        return Readout()
    outside = _outside(root, config)
    if outside is not None:
        return Readout(diagnostics=(outside,))
    done: list[_File] = []
    with _collector_paused():
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue
            if path.is_dir() and not path.is_symlink():
                continue
            if path.name.lower() in SKIPPED_NAMES or path.suffix.lower() == ".md":
                continue
            done.append(read_file(root, path, rel, config, site_zone))
    return Readout(
        numbers=tuple(chain.from_iterable(f.numbers for f in done)),  # in C: 100,000 rows
        visits=tuple(v for f in done for v in f.visits),
        files=tuple(e for f in done for e in f.files),
        diagnostics=tuple(d for f in done for d in f.diagnostics),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off while exports are read, back as it was after.

    Reading makes few reference cycles (a workbook's objects, collected after), but 100,000
    rows make hundreds of thousands of containers (each row's cells, its numbers): the
    collector ran twice over them while they were alive, following every cell (a sixth of the
    benchmark's CPU time); after, it passes once over what is kept.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_MEMO: dict[tuple[object, ...], Readout] = {}


def read_cached(root: Path | str, config: StatsConfig, site_zone: str) -> Readout:
    """read_exports(), or what it gave last time when no file of the folder changed (same
    names, sizes and modification times): `relais serve` reloads the exports only when edited."""
    folder = Path(root) / config.folder
    if _outside(Path(root), config) is not None:
        return read_exports(root, config, site_zone)
    try:
        stamp = tuple(
            (str(p), p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        )
    except OSError:
        return read_exports(root, config, site_zone)
    key = (str(Path(root).resolve()), config.model_dump_json(), site_zone, stamp)
    if key not in _MEMO:
        _MEMO.clear()
        _MEMO[key] = read_exports(root, config, site_zone)
    return _MEMO[key]


def _bytes(root: Path, path: Path, rel: str, config: StatsConfig, out: _File) -> bytes | None:
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            out.warn(
                1,
                "stats-link-outside",
                "this export is a symbolic link to a file outside the repository",
                "copy the file itself into stats/",
            )
            return None
        if not path.is_file():
            out.warn(1, "stats-file-unreadable", "this is not a regular file", "remove it")
            return None
        size = path.stat().st_size
        if size > config.max_file_bytes:
            out.warn(
                1,
                "stats-file-too-large",
                f"the export is {size:,} bytes, more than stats.max_file_bytes "
                f"({config.max_file_bytes:,})",
                "export a shorter period, or raise stats.max_file_bytes in site_config.yml",
            )
            return None
        return path.read_bytes()
    except (OSError, RuntimeError) as exc:
        out.warn(1, "stats-file-unreadable", f"cannot read the file: {exc}", "check the file")
        return None


def read_file(root: Path, path: Path, rel: str, config: StatsConfig, site_zone: str) -> _File:
    """One file of stats/: its sheets, or its JSON posts; never raises."""
    out = _File(rel)
    data = _bytes(root, path, rel, config, out)
    if data is None:
        return out
    try:
        if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            if b"xl/workbook" in data[:65536] or path.suffix.lower() in (".xlsx", ".xlsm"):
                sheets = xlsx_sheets(data, config.max_file_bytes)
            else:
                sheets, skipped = zip_sheets(data, config.max_file_bytes)
                for name in skipped:
                    out.warn(
                        1,
                        "stats-zip-member-skipped",
                        f"'{name}' in the zip was not read (only .csv files without a folder are)",
                        "this is not part of an export as the tools write it",
                    )
        elif data.startswith(b"\xd0\xcf\x11\xe0"):
            sheets = xls_sheets(data, config.max_file_bytes)
        elif path.suffix.lower() == ".json" or data.lstrip()[:1] in (b"{", b"["):
            _read_json(out, data, site_zone)
            return out
        else:
            sheets = [csv_sheet("", data)]
        _read_sheets(out, sheets, path.name, config, site_zone)
    except TableError as exc:
        out.warn(exc.line, f"stats-{exc.code.removeprefix('export-')}", exc.message, exc.hint)
    if out.bad_rows > ROW_DIAGNOSTICS:
        out.warn(
            1,
            "stats-row-unreadable",
            f"{out.bad_rows - ROW_DIAGNOSTICS} more rows left out (the first "
            f"{ROW_DIAGNOSTICS} are listed)",
            "download the export again",
        )
    return out


def _read_sheets(
    out: _File, sheets: Sequence[Sheet], file_name: str, config: StatsConfig, site_zone: str
) -> None:
    unknown: list[tuple[Sheet, list[str], int]] = []
    known = 0
    if not sheets:  # a zip without a CSV in it, a workbook without a sheet
        out.files.append(ExportFile(out.rel, "", "", 0, ""))
        out.warn(
            1,
            "stats-unknown-format",
            "unknown export format: no table in this file",
            "Relais reads the exports listed in docs/community-manager/statistics.md; "
            "move other files out of stats/",
        )
    for sheet in sheets:
        header, line, rows, best, above = _find_header(sheet.rows)
        if header is None:
            unknown.append((sheet, best, line))
            continue
        known += 1
        where = f"sheet '{sheet.name}', " if sheet.name and not sheet.name.endswith(".csv") else ""
        if sheet.name.endswith(".csv"):
            where = f"{sheet.name}, "
        fmt = header.format
        count = 0
        if fmt.kind == fm.POSTS:
            count = _read_posts(out, header, rows, config, site_zone, where)
        elif fmt.kind == fm.WEB:
            count = _read_visits(out, header, line, above, rows, sheet, file_name, site_zone, where)
        out.files.append(
            ExportFile(
                out.rel + (f" ({sheet.name})" if sheet.name else ""),
                fmt.label,
                fmt.id,
                count,
                sheet.encoding,
            )
        )
    for sheet, best, line in unknown:
        if known:
            continue  # a workbook's other sheets (notes, charts) around a sheet Relais reads
        columns = ", ".join(c for c in best if c)[:300] or "none"
        out.files.append(ExportFile(out.rel, "", "", 0, sheet.encoding))
        out.warn(
            line,
            "stats-unknown-format",
            f"unknown export format{f' in sheet {sheet.name!r}' if sheet.name else ''} "
            f"(columns: {columns})",
            "Relais reads the exports listed in docs/community-manager/statistics.md; "
            "move other files out of stats/",
        )


def _find_header(
    rows: Iterator[Row],
) -> tuple[fm.Header | None, int, Iterator[Row], list[str], Row | None]:
    """The header among the first rows (or the first row after a blank one, further down), its
    line, the rows after it, the widest row seen, and the row just above the header (GA4 writes
    the names of its segments there)."""
    best: list[str] = []
    first_line = 1
    above: Row | None = None
    after_blank = False
    for seen, (line, cells) in enumerate(rows):
        if seen == 0:
            first_line = line
        if seen <= HEADER_ROWS or after_blank:
            header = fm.recognise(cells)
            if header is not None:
                return header, line, rows, best, above
        if seen <= HEADER_ROWS:
            texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
            if len(texts) > len(best):
                best, first_line = texts, line
        elif seen >= SECTION_ROWS:
            break
        after_blank = _blank(cells)
        above = (line, cells)
    return None, first_line, iter(()), best, None


def _cell(cells: list[Any], columns: tuple[int, ...]) -> Any:
    """The first of the columns that holds a value (a duplicated column name gives several)."""
    for i in columns:
        if i < len(cells):
            value = cells[i]
            if value is not None and (not isinstance(value, str) or value.strip()):
                return value
    return None


def _blank(cells: list[Any]) -> bool:
    try:
        return not "".join(cells).strip()  # a CSV row: text only, joined in C
    except TypeError:
        return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _read_posts(
    out: _File,
    header: fm.Header,
    rows: Iterator[Row],
    config: StatsConfig,
    site_zone: str,
    where: str,
) -> int:
    # Read column by column rather than row by row: 100,000 rows in the benchmark. Exports
    # repeat their cells (a post's address, date and text come back in every period's rows),
    # so each distinct cell is read once (_each), and the rows are put together in C (zip).
    fmt = header.format
    network = header.network()
    cols = header.columns
    zone = ZoneInfo(config.zone_for(fmt.id, network, site_zone))
    lines, cells = _bounded_columns(rows, config.max_rows, out)
    column = _columns(cells, cols.values())
    posted = column(cols.get("posted", ()))
    distinct = _distinct(posted)
    whens: list[fm.When | str | None]
    if distinct is not None:  # text: each distinct date read once
        day_first, contrary = _date_order(distinct, posted, fmt.day_first, lines)
        dates = fm.read_dates(distinct, zone, day_first)
        whens = list(map(dates.__getitem__, posted))
    else:
        day_first, contrary = _date_order(posted, posted, fmt.day_first, lines)
        whens = [fm.read_dates((raw,), zone, day_first)[raw] for raw in posted]
    if contrary is not None:
        heads, against = contrary
        for position, raw in enumerate(posted):
            if type(raw) is str and fm.slashed_head(raw) in heads:
                whens[position] = f"'{fm.short(raw)}' {against}"
    raw_texts = column(cols.get("text", ()))
    urls = _each(column(cols.get("url", ())), lambda u: str(u or "").strip())
    wrong: dict[int, str] = {}  # position of a row -> why it is left out
    counts: list[Iterable[int | None]] = [
        _count_column(column(cols[name]), wrong) if name in cols else repeat(None)
        for name in fm.COUNT_FIELDS
    ]
    skipped: dict[int, str | None] = dict(wrong)  # None: a blank row, left out silently
    kinds = set(map(type, whens))
    if str in kinds:
        for position, w in enumerate(whens):
            if type(w) is str:
                skipped.setdefault(position, w)
    if "" in urls and None in whens:
        for position, (url, w) in enumerate(zip(urls, whens, strict=True)):
            if not url and w is None and not _text(raw_texts[position]).strip():
                blank = _blank(cells[position])
                skipped.setdefault(
                    position, None if blank else "no address, date or text to find the post by"
                )
    dated = cast(list[fm.When], whens)
    if not kinds <= {fm.When}:  # an empty date (or one left out): neither moment nor day
        dated = [w if type(w) is fm.When else _NO_WHEN for w in whens]
    networks: Iterable[str] = repeat(network)
    if not network:
        networks = _each(urls, _network_of_url)
        for position, row_network in enumerate(networks):
            if not row_network:
                skipped.setdefault(
                    position, "neither the columns nor the address say which network"
                )
        keys = list(map(post_key, urls, networks))
    else:
        keys = _each(urls, lambda u: post_key(u, network))
    for position in sorted(skipped):
        why = skipped[position]
        if why is not None:
            out.bad_row(lines[position], why, where)
    fields: Iterable[tuple[Any, ...]] = zip(
        repeat(out.rel),
        lines,
        repeat(fmt.id),
        networks,
        _each(urls, lambda u: u if u.startswith(("http://", "https://")) else ""),
        keys,
        map(itemgetter(0), dated),  # a When's moment
        map(itemgetter(1), dated),  # its day
        _each(raw_texts, lambda t: _text(t)[:TEXT_KEPT]),
        *counts,
        repeat(""),  # link: exports give none
    )
    if skipped:
        fields = compress(fields, [p not in skipped for p in range(len(lines))])
    before = len(out.numbers)
    # tuple.__new__ is what Numbers._make calls, without its Python frame per row.
    out.numbers.extend(map(tuple.__new__, repeat(Numbers), fields))
    return len(out.numbers) - before


def _columns(
    rows: list[list[Any]], fields: Iterable[tuple[int, ...]]
) -> Callable[[tuple[int, ...]], Sequence[Any]]:
    """A getter of one field's cells over the rows (_column). The columns of the fields are
    taken out of the rows together, in one pass over them rather than one per field: each
    pass over 100,000 rows costs about a cache miss per row (docs/contributor/performance.md)."""
    used = sorted({at[0] for at in fields if len(at) == 1})
    taken: dict[int, Sequence[Any]] = {}
    if len(used) > 1 and rows:
        try:
            # Each row gives one cell per column used: the transposition is exact.
            taken = dict(zip(used, zip(*map(itemgetter(*used), rows), strict=True), strict=True))
        except IndexError:  # a short row: each field's column as _column takes it
            taken = {}

    def column(at: tuple[int, ...]) -> Sequence[Any]:
        if len(at) == 1 and at[0] in taken:
            return taken[at[0]]
        return _column(rows, at)

    return column


def _date_order(
    values: Iterable[Any], posted: Sequence[Any], default: bool, lines: list[int]
) -> tuple[bool, tuple[frozenset[str], str] | None]:
    """Whether a column's slashed dates put the day first, from all its dates (a first number
    past 12 is a day, a second one a day too), else the format's habit; and, when the column
    holds both orders, the heads of the dates against its first order and why they are left
    out: one export is written in one order, and a date like 03/04/2026 could be either.
    `values` are the column's cells, or its distinct cells (the same heads)."""
    days, months = fm.slashed_orders(values)
    if not days and not months:
        return default, None
    if not (days and months):
        return bool(days), None
    either = days | months
    for position, raw in enumerate(posted):  # both orders: the first one found decides
        if type(raw) is str and (head := fm.slashed_head(raw)) in either:
            day_first = head in days
            why = (
                f"puts the {'month' if day_first else 'day'} first, but this column puts the "
                f"{'day' if day_first else 'month'} first (line {lines[position]}: "
                f"'{fm.short(raw)}'): write it in the column's order, "
                f"{'day/month/year' if day_first else 'month/day/year'}"
            )
            return day_first, (months if day_first else days, why)
    return default, None  # not reached: a head of days or months is in the column


_NO_WHEN = fm.When(None, None)  # type: ignore[arg-type]  # the row's moment and day: None
_HASHED_ALIKE = frozenset({str, type(None)})  # equal values of these types are the same value


def _each(values: Sequence[Any], read: Callable[[Any], _T]) -> list[_T]:
    """read() of every value, called once per distinct value when they are text (a CSV's
    cells): one pass over the values, each looked up in C, read() called on a miss."""
    try:
        return _each_text(values, read)
    except _NotText:  # a workbook's 1 and 1.0 are equal but not read alike
        return list(map(read, values))


def _each_text(values: Sequence[Any], read: Callable[[Any], _T]) -> list[_T]:
    """_each() of values that are all text or None; raises _NotText at any other value."""
    return list(map(_Memo(read).__getitem__, values))


class _NotText(Exception):
    """A value other than text or None met by a _Memo."""


class _Memo(dict[Any, _T]):
    """read() of each distinct text (or None) read so far; any other value raises _NotText
    before it is read, so no number ever becomes a key (1 == 1.0 == True: they would find one
    another's value). A pass over 40,000 cells costs about a cache miss per cell: one pass,
    rather than one for the distinct values and one to look each cell up."""

    def __init__(self, read: Callable[[Any], _T]) -> None:
        super().__init__()
        self.read = read

    def __missing__(self, key: Any) -> _T:
        if key is not None and type(key) is not str:
            raise _NotText
        value = self[key] = self.read(key)
        return value


def _distinct(values: Sequence[Any]) -> set[Any] | None:
    """The distinct values when they are all text or None (else None: a workbook's 1 and 1.0
    are equal but not read alike). Their types are checked on the distinct ones, not on every
    value again: no text equals a value of another type, so the types are the same."""
    distinct = set(values)
    return distinct if set(map(type, distinct)) <= _HASHED_ALIKE else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _column(rows: list[list[Any]], at: tuple[int, ...]) -> list[Any]:
    """One field's cells over the rows: its column's (None past a short row's end), or the
    first cell with a value among the columns of a duplicated name."""
    if not at:
        return [None] * len(rows)
    if len(at) == 1:
        i = at[0]
        try:
            return list(map(itemgetter(i), rows))
        except IndexError:  # a short row: its cell is empty
            return [c[i] if i < len(c) else None for c in rows]
    return [_cell(c, at) for c in rows]


_NUMBERS = frozenset({int, float})  # not bool: True is no count


def _count_column(cells: Sequence[Any], wrong: dict[int, str]) -> list[int | None]:
    """The counts of one field's cells (None where empty); a cell that is not a number puts
    its row's position and why into `wrong`."""
    bad: dict[str | None, str] = {}  # a text that is not a number -> why

    def read(value: str | None) -> int | None:
        try:
            return fm.count(value)
        except ValueError as exc:
            bad[value] = str(exc)
            return None

    try:
        # A CSV's column: each distinct cell read once (counts repeat), in one pass.
        values = _each_text(cells, read) if cells and type(cells[0]) is str else None
    except _NotText:
        values = None
    if values is not None:
        if bad:
            for position, value in enumerate(cells):
                if value in bad:
                    wrong.setdefault(position, bad[value])
        return values
    kinds = set(map(type, cells))
    if kinds <= _NUMBERS and cells:  # a workbook's column of numbers
        try:
            return list(map(round, cells))  # round(1) is 1: count() of an int, in C
        except (ValueError, OverflowError):  # NaN, infinity: said below, cell by cell
            pass
    values = []
    for position, value in enumerate(cells):
        if value is None or value == "":
            values.append(None)
            continue
        try:
            values.append(fm.count(value))
        except ValueError as exc:
            wrong.setdefault(position, str(exc))
            values.append(None)
    return values


def _network_of_url(url: str) -> str:
    from .published import network_of

    return network_of(url) or ""


def _bounded_columns(
    rows: Iterator[Row], limit: int, out: _File
) -> tuple[list[int], list[list[Any]]]:
    """The lines and the cells of the rows (at most `limit`), as _bounded keeps them."""
    if not isinstance(rows, Rows):
        kept = _bounded(rows, limit, out)
        return list(map(itemgetter(0), kept)), list(map(itemgetter(1), kept))
    lines, cells = rows.take(limit)
    _past_limit(next(rows, None), limit, out)
    return lines, cells


def _bounded(rows: Iterator[Row], limit: int, out: _File) -> list[Row]:
    if isinstance(rows, Rows):  # sliced, not stepped through (Rows.__next__ is Python)
        kept = list(zip(*rows.take(limit), strict=True))
    else:
        kept = list(islice(rows, limit))  # in C: a Python loop here cost a tenth of the reading
    _past_limit(next(rows, None), limit, out)
    return kept


def _past_limit(extra: Row | None, limit: int, out: _File) -> None:
    if extra is not None:
        out.warn(
            extra[0],
            "stats-too-many-rows",
            f"only the first {limit:,} rows are read (stats.max_rows)",
            "export a shorter period, or raise stats.max_rows in site_config.yml",
        )


# ---------------------------------------------------------------- web analytics


def _period(sheet: Sheet, file_name: str) -> tuple[date | None, date | None]:
    """The period of a web export: GA4's preamble, else dates in the file or member name."""
    start = end = None
    for line in sheet.preamble:
        text = line.lstrip("#").strip()
        if not start and (both := _compact_period(text, whole=True)):
            start, end = both
            continue
        key, _, value = text.partition(":")
        k = fm.norm(key)
        digits = re.sub(r"\D", "", value)
        if len(digits) == 8:
            try:
                day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            except ValueError:
                continue
            if k in _START_KEYS:
                start = day
            elif k in _END_KEYS:
                end = day
    if start and end:
        return start, end
    for name in (file_name, sheet.name):
        if both := _compact_period(name, whole=False):
            return both
        m = _PERIOD.search(name)
        if m:
            try:
                return date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            except ValueError:
                pass
        y = mo = None
        if m := _MONTH.search(name):
            y, mo = int(m.group(1)), int(m.group(2))
        elif m := _MONTH_NAMED.search(name):
            # Matomo's "Matomo Export _ Campaign Names _ November 2026.csv" ("novembre 2026").
            y, mo = int(m.group(2)), fm.month_of(m.group(1))
        if y and mo and 1 <= mo <= 12:
            first = date(y, mo, 1)
            last = date(y + mo // 12, mo % 12 + 1, 1).toordinal() - 1
            return first, date.fromordinal(last)
    return None, None


def _compact_period(text: str, whole: bool) -> tuple[date, date] | None:
    """The period written "20261101-20261130" (the whole text when `whole`), else None."""
    m = _COMPACT_PERIOD.fullmatch(text) if whole else _COMPACT_PERIOD.search(text)
    if not m:
        return None
    try:
        first, last = (date(int(d[:4]), int(d[4:6]), int(d[6:])) for d in m.groups())
    except ValueError:
        return None
    return (first, last) if first <= last else None


def _read_visits(
    out: _File,
    header: fm.Header,
    header_line: int,
    above: Row | None,
    rows: Iterator[Row],
    sheet: Sheet,
    file_name: str,
    site_zone: str,
    where: str,
) -> int:
    cols = _one_segment(out, header, header_line, above, where)
    if cols is None:
        return 0
    if cols is header.columns and not _whole_in_preamble(out, sheet, header, where):
        return 0
    if "sessions" not in cols and "visitors" not in cols:
        out.warn(
            header_line,
            "stats-no-metric",
            f"{where}this {header.format.label} has no column of sessions or users that Relais "
            f"knows (columns: {', '.join(n for n in header.names if n)[:300]})",
            "export the report with the Sessions (or Users) metric, with the interface in "
            "English or French",
        )
        return 0
    start, end = _period(sheet, file_name)
    if start is None:
        start, end = _period(Sheet(out.rel, iter(())), out.rel)
    dimension = None
    if "label" in cols:
        if sheet.name.endswith(".csv"):
            # A member of a Plausible zip: only its utm_*.csv reports are UTM values. Its
            # sources.csv holds referrers (Google, LinkedIn without tags), not utm_source.
            member = sheet.name.lower()
            dimension = fm.dimension_of(member) if member.startswith("utm_") else None
            if dimension is None:
                return 0  # another report (sources, pages, countries...): not UTM
        else:
            dimension = fm.dimension_of(sheet.name) or fm.dimension_of(file_name)
        if dimension is None:
            out.warn(
                1,
                "stats-no-dimension",
                f"{where}cannot tell whether the labels of this {header.format.label} are UTM "
                "sources, campaigns or contents",
                "name the file after its report, e.g. utm_source.csv, utm_campaign.csv or "
                "utm_content.csv",
            )
            return 0
    if start is None and "date" not in cols:
        out.warn(
            1,
            "stats-no-period",
            f"{where}the period of this export is unknown: its visits count in the totals "
            "but in no month",
            "put the month in the file name or folder, e.g. stats/2026-11/utm_source.csv",
        )
    # Plausible's imported_sources holds every visit, tagged or not: a row without UTM values
    # (a search engine, a direct visit) is no mistake there, and not the ambassadors' either.
    untagged_ok = header.format.id == "plausible-imported"
    zone = ZoneInfo(site_zone)
    kept = 0
    after_blank = other_table = False
    for line, cells in _bounded(rows, 10_000_000, out):
        if _blank(cells):
            after_blank = True
            continue
        if after_blank:
            # A blank line ends a table: GA4 writes a report's other tables (a chart's series,
            # another dimension's) below it. A row of names (no number in it) heads another
            # table, read no further; anything else goes on with this one.
            after_blank = False
            other_table = not any(map(_numeric, cells))
        if other_table:
            continue
        texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
        # "Grand total" first, or last in an exploration's row of totals (",,,657,Grand total").
        if texts and (_TOTAL.match(fm.norm(texts[0])) or _TOTAL.match(fm.norm(texts[-1]))):
            continue
        try:
            sessions = fm.count(_cell(cells, cols.get("sessions", ())))
            visitors = fm.count(_cell(cells, cols.get("visitors", ())))
            span = _span(_cell(cells, cols.get("date", ())), zone)
        except ValueError as exc:
            out.bad_row(line, str(exc), where)
            continue
        values = {
            key: _utm(_cell(cells, cols[key]))
            for key in ("source", "medium", "campaign", "content")
            if key in cols
        }
        if "source_medium" in cols:
            both = _utm(_cell(cells, cols["source_medium"])) or ""
            source, _, medium = both.partition(" / ")
            values.setdefault("source", source.strip() or None)
            values.setdefault("medium", medium.strip() or None)
        if dimension is not None:
            label = _utm(_cell(cells, cols["label"]))
            if dimension == "source" and label and " - " in label:
                label, _, medium = label.partition(" - ")  # Matomo's "source - medium"
                values["medium"] = medium.strip()
            values[dimension] = label
        if not any(values.values()):
            if not untagged_ok:
                out.bad_row(line, "no UTM value in this row", where)
            continue
        out.visits.append(
            Visits(
                out.rel,
                line,
                header.format.id,
                start=span[0] if span else start,
                end=span[1] if span else end,
                sessions=sessions,
                visitors=visitors,
                **values,
            )
        )
        kept += 1
    return kept


def _span(value: Any, zone: tzinfo) -> tuple[date, date] | None:
    """The days a web export's row counts: its day, or the month ("2026-11") or range
    ("2026-11-02,2026-11-08") that Matomo writes for a row of a longer period."""
    if isinstance(value, str):
        text = value.strip()
        if m := _PERIOD.fullmatch(text):
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            return first, last
        if m := _MONTH.fullmatch(text):
            y, mo = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12:
                return date(y, mo, 1), date.fromordinal(
                    date(y + mo // 12, mo % 12 + 1, 1).toordinal() - 1
                )
    when = fm.when(value, zone)
    return (when.day, when.day) if when else None


def _preamble_segments(preamble: Sequence[str]) -> list[str]:
    """The segments or comparisons a GA4 report's preamble names: the lines below its title
    block (the second line of dashes) that are neither "key: value" nor a period ("All Users"
    in a report without comparisons)."""
    names: list[str] = []
    dashes = 0
    for raw in preamble:
        text = raw.lstrip("#").strip()
        if text and set(text) == {"-"}:
            dashes += 1
        elif dashes >= 2 and text and ":" not in text and not _COMPACT_PERIOD.fullmatch(text):
            names.append(text)
    return names


def _whole_in_preamble(out: _File, sheet: Sheet, header: fm.Header, where: str) -> bool:
    """Whether the visits of a GA4 report are all its visits, as its preamble says: with
    comparisons applied (several names there, and no columns per segment), the table's rows
    mix the comparisons' numbers, and nothing is read (a warning names them); a report of one
    comparison other than "All Users" holds a part of the visits: read, with a warning."""
    names = _preamble_segments(sheet.preamble)
    shown = ", ".join(fm.short(n) for n in names[:5])
    if len(names) >= 2:
        out.warn(
            1,
            "stats-segments-compared",
            f"{where}this {header.format.label} was exported with comparisons ({shown}): "
            "its rows would count visits once per comparison; nothing was read from it",
            "export the report again without comparisons (remove them at the top of the "
            "report, keep 'All Users')",
        )
        return False
    if names and fm.norm(names[0]) not in _ALL_USERS:
        out.warn(
            1,
            "stats-segment-part",
            f"{where}this {header.format.label} holds only the visits of '{shown}', not all "
            "of them: its numbers are read as they are",
            "export the report with 'All Users' to count every visit",
        )
    return True


def _numeric(value: Any) -> bool:
    """Whether a cell holds a number (a count, a rate, a compact date): data, not a name."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    text = str(value or "").strip().rstrip("%")
    try:
        fm.count(text)
    except ValueError:
        return False
    return bool(text)


_METRICS = ("sessions", "visitors")


def _one_segment(
    out: _File,
    header: fm.Header,
    header_line: int,
    above_row: Row | None,
    where: str,
) -> Mapping[str, tuple[int, ...]] | None:
    """The columns to read when a GA4 export compares segments side by side (its metrics
    repeated once per segment, each segment's name in the row above the header, or after the
    metric's name: "Sessions (Mobile traffic)"): those of the segment that holds every visit
    ("All Users", "Totals"), or of the only one. Several segments and none of them whole: a
    warning that names them and nothing read (adding them up would count visits twice)."""
    cols = header.columns
    above = above_row[1] if above_row is not None else None
    segments: dict[str, dict[str, int]] = {}
    from_above = False  # the names are in the row above (else after the metric's name)
    for key in _METRICS:
        aliases = header.format.fields.get(key, ())
        exact = [i for i, name in enumerate(header.names) if name in aliases]
        for i in exact:
            label = above[i] if above is not None and i < len(above) else None
            segment = fm.norm(label) if label is not None else ""
            from_above = from_above or bool(segment)
            segments.setdefault(segment, {}).setdefault(key, i)
        if exact:
            continue
        # No column of that exact name: "Sessions (Mobile traffic)", "Sessions (Totals)".
        for i, name in enumerate(header.names):
            prefix = next((a for a in aliases if name.startswith(a + " ")), None)
            if prefix is not None:
                segments.setdefault(name[len(prefix) :].strip(), {}).setdefault(key, i)
    if len(segments) <= 1:
        return cols
    named = [s for s in segments if s]
    whole = next((s for s in named if s in _ALL_USERS), None)
    if whole is not None:
        chosen = dict(cols)
        for key, i in segments[whole].items():
            chosen[key] = (i,)
        return chosen
    # The names as the file writes them, on one line and short (a stranger's file).
    names = [
        fm.short(str(above[i]).strip() if above is not None and i < len(above) and above[i] else s)
        or "(unnamed)"
        for s, by in segments.items()
        for i in list(by.values())[:1]
    ]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    out.warn(
        above_row[0] if above_row is not None and from_above else header_line,
        "stats-segments-compared",
        f"{where}this {header.format.label} compares segments side by side ({shown}) and none "
        "of them holds every visit: Relais cannot tell which sessions to count, and adding "
        "them up would count visits twice; nothing was read from it",
        "export the report again without comparisons (remove them at the top of the report), "
        "or add the 'All Users' comparison; in an exploration, remove the segments from "
        "'Segment comparisons'",
    )
    return None


def _utm(value: Any) -> str | None:
    text = str(value).strip().lower() if value is not None else ""
    return text[:200] or None


# ---------------------------------------------------------------- JSON of Mastodon and Bluesky

_HREF = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>', re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def _read_json(out: _File, data: bytes, site_zone: str) -> None:
    """Mastodon statuses and Bluesky posts as their APIs give them (a status, an account's
    statuses, getPosts, getPostThread or getAuthorFeed); the replies of a thread, the boosts and
    reposts of an account's feed (other people's posts) are never read."""
    try:
        doc = json.loads(data.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError) as exc:
        out.warn(1, "stats-file-unreadable", f"not readable JSON ({exc})", "download it again")
        return
    posts: list[Any]
    if isinstance(doc, dict) and isinstance(doc.get("posts"), list):
        posts, fmt_id = doc["posts"], "bluesky-api"
    elif isinstance(doc, dict) and isinstance(doc.get("thread"), dict):
        posts, fmt_id = [doc["thread"].get("post")], "bluesky-api"
    elif isinstance(doc, dict) and isinstance(doc.get("feed"), list):
        # getAuthorFeed: the account's posts; an item with a "reason" is a repost of someone
        # else's post (theirs, not the account's), and a reply's parents are other people's.
        posts = [_dict(f).get("post") for f in doc["feed"] if not _dict(f).get("reason")]
        fmt_id = "bluesky-api"
    elif isinstance(doc, list):
        posts, fmt_id = doc, "mastodon-api"
    else:
        posts, fmt_id = [doc], "mastodon-api"
    zone = ZoneInfo(site_zone)
    kept = 0
    for i, item in enumerate(posts):
        if isinstance(item, dict) and isinstance(item.get("reblog"), dict):
            continue  # a boost in an account's statuses: another account's post
        try:
            numbers = (
                bluesky_numbers(item, out.rel, zone)
                if fmt_id == "bluesky-api"
                or (isinstance(item, dict) and "uri" in item and "record" in item)
                else mastodon_numbers(item, out.rel, zone)
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            out.bad_row(1, f"post {i + 1}: {exc}")
            continue
        out.numbers.append(numbers)
        kept += 1
    label = (
        "Bluesky API (getPosts, getPostThread, getAuthorFeed)"
        if fmt_id == "bluesky-api"
        else "Mastodon API (status)"
    )
    if kept or not posts:
        out.files.append(ExportFile(out.rel, label, fmt_id, kept, "utf-8"))
    else:
        out.warn(
            1,
            "stats-unknown-format",
            "unknown JSON: neither Mastodon statuses nor Bluesky posts",
            "Relais reads the JSON of Mastodon's and Bluesky's public APIs",
        )


def _int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"'{str(value)[:40]}' is not a count")
    return value


def _moment(value: Any, zone: tzinfo) -> tuple[datetime | None, date | None]:
    when = fm.when(value, zone) if isinstance(value, str) else None
    return (when.moment, when.day) if when else (None, None)


def mastodon_numbers(status: Any, file: str, zone: tzinfo) -> Numbers:
    """A Mastodon status's public counts (a boost counts as a share; the card gives the link)."""
    if not isinstance(status, dict) or "id" not in status:
        raise ValueError("not a Mastodon status")
    if isinstance(status.get("reblog"), dict):
        raise ValueError("a boost of another post, not a post")
    url = str(status.get("url") or status.get("uri") or "")
    html = str(status.get("content") or "")
    card = status.get("card") if isinstance(status.get("card"), dict) else {}
    links = [
        unescape(h)
        for h in _HREF.findall(html)
        if "/tags/" not in h and "/@" not in h and "mention" not in h
    ]
    moment, day = _moment(status.get("created_at"), zone)
    return Numbers(
        file,
        1,
        "mastodon-api",
        "mastodon",
        url=url,
        key=post_key(url, "mastodon"),
        moment=moment,
        day=day,
        text=unescape(_TAG.sub(" ", html.replace("</p>", "\n")))[:TEXT_KEPT].strip(),
        reactions=_int(status.get("favourites_count")),
        shares=_int(status.get("reblogs_count")),
        comments=_int(status.get("replies_count")),
        link=str((card or {}).get("url") or (links[0] if links else ""))[:2000],
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def bluesky_numbers(post: Any, file: str, zone: tzinfo) -> Numbers:
    """A Bluesky post view's public counts; its link from the facets, else the card."""
    if not isinstance(post, dict) or not str(post.get("uri", "")).startswith("at://"):
        raise ValueError("not a Bluesky post view")
    uri = str(post["uri"])
    record, author = _dict(post.get("record")), _dict(post.get("author"))
    rkey = uri.rstrip("/").rsplit("/", 1)[-1]
    actor = str(author.get("handle") or author.get("did") or uri.split("/")[2])
    url = f"https://bsky.app/profile/{actor}/post/{rkey}"
    link = ""
    for facet in record.get("facets") or []:
        for feature in _dict(facet).get("features") or []:
            if isinstance(feature, dict) and str(feature.get("$type", "")).endswith("#link"):
                link = link or str(feature.get("uri") or "")
    external = _dict(_dict(post.get("embed")).get("external"))
    link = link or str(external.get("uri") or "")
    moment, day = _moment(record.get("createdAt") or post.get("indexedAt"), zone)
    reposts, quotes = _int(post.get("repostCount")), _int(post.get("quoteCount"))
    return Numbers(
        file,
        1,
        "bluesky-api",
        "bluesky",
        url=url,
        key=f"bluesky:{rkey}",
        moment=moment,
        day=day,
        text=str(record.get("text") or "")[:TEXT_KEPT],
        reactions=_int(post.get("likeCount")),
        shares=None if reposts is None else reposts + (quotes or 0),
        comments=_int(post.get("replyCount")),
        link=link[:2000],
    )


def has_problems(readout: Readout) -> bool:
    return any(d.severity is Severity.ERROR for d in readout.diagnostics)
