"""Read a SIPRI trade-register export (or Dealgraph's own): encoding, preamble, header, layout, and logical rows."""

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from core.text import squash_whitespace

from ...export import spreadsheet_unquoted

CLASSIC = "classic"
PER_YEAR = "per_year"
# Dealgraph's /api/v1/deals/export.csv: classic-style columns plus what a round trip needs.
DEALGRAPH = "dealgraph"

MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
# csv splits lines itself; the regex keeps a stray CR inside an LF file (a broken comment) from being lost.
LINE_END = re.compile(r"\r\n|\n|\r")
GENERATED = re.compile(r"^\s*Data generated:\s*(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})")
SCOPE = re.compile(r"Deals with (?P<what>.+?) made for the year range '(?P<start>\d{4})' to '(?P<end>\d{4})'")
FILE_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")
HEADER_SCAN_LINES = 60


class FormatError(Exception):
    """The file is not a SIPRI trade register this importer can read; nothing of it is imported."""


@dataclass
class RawRow:
    """One logical row: its cells, and the text and lines it came from."""

    line: int
    text: str
    cells: list[str]


@dataclass
class Release:
    path: Path
    encoding: str
    layout: str
    header: list[str]
    subtitle: str
    scope: str
    year_from: int | None
    year_to: int | None
    generated_on: date | None
    # "day" when the export says when it was generated; "month" when only the file name does.
    generated_precision: str
    rows: list[RawRow] = field(default_factory=list)
    # Rows that could not even be cut into cells: (line, reason).
    broken: list[tuple[int, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        when = self.generated_on
        month = list(MONTHS)[when.month - 1].capitalize()
        stamp = f"{when.day} {month} {when.year}" if self.generated_precision == "day" else f"{month} {when.year}"
        if self.layout == DEALGRAPH:
            return f"Dealgraph deals export {self.path.name} ({stamp})"[:500]
        return f"SIPRI Arms Transfers Database: trade register (data generated {stamp})"


def decode(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Older exports are Latin-1; every byte decodes, so this cannot fail.
        return raw.decode("latin-1"), "latin-1"


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]), [])


def _header_keys(cells: list[str]) -> list[str]:
    return [cell.strip().rstrip(";").strip().lower() for cell in cells]


def _is_header(cells: list[str]) -> bool:
    keys = set(_header_keys(cells))
    return "supplier" in keys and "recipient" in keys and bool(keys & {"weapon designation", "designation"})


def _strip_semicolon(text: str) -> str:
    text = text.rstrip()
    return text[:-1].rstrip() if text.endswith(";") else text


def read_release(path: Path | str, *, release_date: date | None = None) -> Release:
    """Read the whole file; raises FormatError when it has no register header or no release date."""
    path = Path(path)
    text, encoding = decode(path.read_bytes())
    # The csv module refuses NUL bytes; a stray one must not cost the whole file.
    lines = LINE_END.split(text.replace("\x00", ""))
    if lines and lines[-1] == "":
        lines.pop()

    header_index = next((i for i, line in enumerate(lines[:HEADER_SCAN_LINES]) if _is_header(_cells(line))), None)
    if header_index is None:
        raise FormatError(f"{path.name}: no SIPRI trade-register header (Supplier, Recipient, Designation) found.")
    header_line = lines[header_index]
    semicolons = header_line.rstrip().endswith(";")
    header = [cell.strip() for cell in _cells(_strip_semicolon(header_line) if semicolons else header_line)]
    keys = _header_keys(header)
    layout = PER_YEAR if "sipri at database id" in keys else DEALGRAPH if "dealgraph deal id" in keys else CLASSIC

    preamble = [_strip_semicolon(line) for line in lines[:header_index]]
    title_line = next((line for line in preamble if line.strip()), "")
    subtitle, scope, year_from, year_to = _describe(title_line)
    generated_on, precision = _generated(preamble, path, release_date, dated_by_file=layout == DEALGRAPH)

    release = Release(
        path=path,
        encoding=encoding,
        layout=layout,
        header=header,
        subtitle=subtitle,
        scope=scope,
        year_from=year_from,
        year_to=year_to,
        generated_on=generated_on,
        generated_precision=precision,
    )
    _read_rows(release, lines[header_index + 1 :], first_line=header_index + 2, semicolons=semicolons)
    if layout == DEALGRAPH:
        for row in release.rows:
            row.cells = [spreadsheet_unquoted(cell) for cell in row.cells]
    return release


def _describe(title_line: str) -> tuple[str, str, int | None, int | None]:
    """Split the title line into what is transferred (subtitle) and which deals the release holds (scope)."""
    title_line = squash_whitespace(title_line)
    match = SCOPE.search(title_line)
    if not match:
        return title_line[:1000], title_line[:300], None, None
    subtitle = title_line[: match.start()].strip().rstrip(".").strip()
    start, end = int(match["start"]), int(match["end"])
    return subtitle[:1000], f"Deals with {match['what']} made in {start}-{end}"[:300], start, end


def _generated(
    preamble: list[str], path: Path, release_date: date | None, *, dated_by_file: bool = False
) -> tuple[date, str]:
    for line in preamble:
        match = GENERATED.match(line)
        if match and match[2].lower() in MONTHS:
            return date(int(match[3]), MONTHS[match[2].lower()], int(match[1])), "day"
    if release_date is not None:
        return release_date, "day"
    match = FILE_DATE.search(path.name)
    if match and 1 <= int(match[2]) <= 12:
        if match[3]:
            return date(int(match[1]), int(match[2]), int(match[3])), "day"
        return date(int(match[1]), int(match[2]), 1), "month"
    if dated_by_file:
        # An export is a snapshot taken when it was saved; the file's date is the best that is known of it.
        return date.fromtimestamp(path.stat().st_mtime), "day"
    raise FormatError(f"{path.name}: no 'Data generated' line and no YYYY-MM in the file name; give --release-date.")


def _read_rows(release: Release, lines: list[str], *, first_line: int, semicolons: bool) -> None:
    """Cut the data lines into logical rows, joining a row that an unquoted line break cut in two."""
    width = len(release.header)
    reader = csv.reader(line + "\n" for line in lines)
    consumed = 0
    pending: RawRow | None = None

    def finish(row: RawRow) -> None:
        if semicolons and row.cells:
            row.cells[-1] = row.cells[-1][:-1] if row.cells[-1].endswith(";") else row.cells[-1]
        release.rows.append(row)

    for cells in reader:
        start = first_line + consumed
        physical = lines[consumed : reader.line_num]
        consumed = reader.line_num
        if not any(cell.strip().strip(";") for cell in cells):
            continue
        row = RawRow(line=start, text="\n".join(physical), cells=cells)
        if pending is not None:
            if len(pending.cells) + len(cells) - 1 <= width:
                # The comment ran on past a bare line break: its tail is this line's first cell.
                pending.cells[-1] += "\n" + cells[0]
                pending.cells.extend(cells[1:])
                pending.text += "\n" + row.text
                if len(pending.cells) == width:
                    finish(pending)
                    pending = None
                continue
            release.broken.append((pending.line, f"row ends early: {len(pending.cells)} of {width} columns"))
            pending = None
        if len(cells) == width:
            finish(row)
        elif len(cells) < width:
            pending = row
        else:
            release.broken.append((start, f"{len(cells)} columns where the header has {width}"))
    if pending is not None:
        release.broken.append((pending.line, f"row ends early: {len(pending.cells)} of {width} columns"))
