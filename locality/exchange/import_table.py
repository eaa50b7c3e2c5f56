"""The table an import file is read into (its header, and rows numbered as the spreadsheet shows them, each
with its problems) and the checks every format shares while it is built: blank and over-wide rows, headings, bad
characters, and the row and value caps. ``read_csv`` and ``read_xlsx`` feed it line by line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from locality.domain.errors import ImportFileError
from locality.domain.values import strip_invisible


@dataclass(frozen=True)
class OddCell:
    """A workbook cell whose value cannot be read: ``reason`` says why (it follows "column X ")."""

    column: str  # the spreadsheet's letter
    reason: str

    def __str__(self) -> str:
        return ""


Cell = str | int | float | date | OddCell | None


MEGABYTE = 1024 * 1024


MAX_ROWS = 100_000


MAX_VALUES = 2_000_000  # 20,000 actions of 14 columns are 280,000


EXCEL_MAX_ROW = 1_048_576


EXCEL_MAX_COLUMN = 16_384


DELIMITERS = (",", ";", "\t")


_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


# Characters a text cell must not hold: C0 controls but tab and line breaks, DEL, C1 controls, and the lone
# surrogates that stand for bytes which could not be decoded.
BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header's row is 1 when it is the first line
    cells: tuple[Cell, ...]
    problems: tuple[str, ...] = ()  # sentences about the row as a whole (its shape, its bytes)


@dataclass(frozen=True)
class Table:
    """What an import file holds: its header cells (as text) and its non-blank rows below the header."""

    name: str  # the file's name, for messages
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)


def column_letter(index: int) -> str:
    """The spreadsheet's letter for a zero-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def shown(text: str, limit: int = 40) -> str:
    """Text from the file as quoted back in a message: one line, shortened if long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header_text(cell: Cell) -> str:
    if cell is None or isinstance(cell, OddCell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, date):
        return cell.isoformat()
    return strip_invisible(str(cell))


def _trimmed_width(cells: Sequence[Cell]) -> int:
    """How many cells are left once the blank ones at the end are dropped."""
    width = len(cells)
    while width and is_blank(cells[width - 1]):
        width -= 1
    return width


def _character_problem(text: str, encoding: str) -> str | None:
    """What is wrong with the characters of one text cell, or None."""
    found = BAD_CHARACTER.search(text)
    if found is None:
        return None
    character = found.group()
    if character == "\x00":
        return "holds a NUL character, which text cannot hold; the file may be damaged"
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:
        byte = code - 0xDC00
        if encoding == "UTF-8":
            return f"holds bytes that are not valid UTF-8 text (0x{byte:02X}); save the file as CSV UTF-8 and import it"
        return (
            f"holds a byte (0x{byte:02X}) that is not a character in Windows-1252 text; "
            "save the file as CSV UTF-8 and import it"
        )
    if 0xD800 <= code <= 0xDFFF:
        return "holds a broken character (a lone UTF-16 surrogate)"
    return f"holds a control character (U+{code:04X}), which cannot be imported; remove it"


class TableBuilder:
    """Takes a file's lines in order and builds its ``Table``: the first non-blank line is the header, the
    non-blank lines below it are rows; checks each row's characters and (for CSV) its shape."""

    def __init__(self, name: str, *, encoding: str = "", delimiter: str | None = None) -> None:
        self.name = name
        self.encoding = encoding  # "UTF-8" or "Windows-1252" for CSV: names the bytes in messages
        self.delimiter = delimiter  # CSV only: rows longer than the header are errors
        self.header: tuple[str, ...] | None = None
        self.headings = 0
        self.unnamed: tuple[int, ...] = ()  # indexes of the header's empty headings
        self.rows: list[Row] = []
        self.unheaded: dict[int, int] = {}  # column index -> the first row with a value but no heading
        self.one_value: list[tuple[int, str, int]] = []  # CSV rows of one value holding another delimiter
        self.check_characters = True

    def add(self, number: int, cells: Sequence[Cell], problems: Sequence[str] = ()) -> None:
        if not problems and all(is_blank(cell) for cell in cells):
            return
        if self.header is None:
            self._set_header(number, cells, problems)
            return
        if len(self.rows) >= MAX_ROWS:
            raise ImportFileError(
                f"{self.name} has more than {MAX_ROWS:,} rows, more than Locality imports at once; "
                "split it into smaller files."
            )
        found = list(problems)
        width = len(self.header)
        if self.delimiter is not None:
            filled = _trimmed_width(cells)
            if filled > width:
                found.append(
                    f"It has {filled:,} values but the header row has {width:,} columns; "
                    f'a value holding "{_printable(self.delimiter)}" must be in double quotes'
                )
            elif filled == 1 and self.headings > 1 and isinstance(cells[0], str):
                for other in DELIMITERS:
                    if other != self.delimiter and other in cells[0]:
                        self.one_value.append((len(self.rows), other, len(cells[0].split(other))))
                        break
        for index in self.unnamed:
            if index < len(cells) and not is_blank(cells[index]):
                self.unheaded.setdefault(index, number)
        if self.check_characters:
            found.extend(self._characters(cells))
        self.rows.append(Row(number, tuple(cells[:width]), tuple(found)))

    def add_sparse(self, number: int, pairs: Sequence[tuple[int, Cell]]) -> None:
        """A row given as (zero-based column, value) pairs: a workbook's, where a value may sit far to the right
        of the header without every empty cell before it being made."""
        if not pairs:
            return
        width = len(self.header) if self.header is not None else max(index for index, _ in pairs) + 1
        cells: list[Cell] = [None] * width
        beyond: list[str] = []
        for index, value in pairs:
            if index < width:
                cells[index] = value
            elif not is_blank(value):
                self.unheaded.setdefault(index, number)
                if isinstance(value, str) and (problem := _character_problem(value, self.encoding)):
                    beyond.append(f"Column {column_letter(index)} {problem}")
        self.add(number, cells, beyond)

    def _characters(self, cells: Sequence[Cell]) -> list[str]:
        found: list[str] = []
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and (problem := _character_problem(cell, self.encoding)):
                found.append(f"Column {self._column(index)} {problem}")
        return found

    def _column(self, index: int) -> str:
        heading = self.header[index] if self.header is not None and index < len(self.header) else ""
        return f'{column_letter(index)} ("{shown(heading, 30)}")' if heading else column_letter(index)

    def _set_header(self, number: int, cells: Sequence[Cell], problems: Sequence[str]) -> None:
        if len(cells) > EXCEL_MAX_COLUMN:
            raise ImportFileError(
                f"{self.name} has {len(cells):,} columns in its header row, more than a spreadsheet can have; "
                "it is not a table Locality can import."
            )
        found = [*problems, *self._characters(cells)]
        if found:
            raise ImportFileError(
                f"The header row of {self.name} cannot be read; nothing was written.",
                row_errors=[f"row {number}: {' '.join(_sentence(problem) for problem in found)}"],
            )
        self.header = tuple(_header_text(cell) for cell in cells[: _trimmed_width(cells)])
        self.headings = sum(1 for heading in self.header if heading)
        self.unnamed = tuple(index for index, heading in enumerate(self.header) if not heading)

    def _delimiter_problems(self) -> None:
        """Rows of one value holding another delimiter were saved with a different delimiter from the header's
        when every row is so, or when that delimiter splits the value into as many pieces as there are columns."""
        if not self.one_value or self.delimiter is None or self.header is None:
            return
        every = len(self.one_value) == len(self.rows)
        for position, other, pieces in self.one_value:
            if every or pieces == len(self.header) >= 3:
                row = self.rows[position]
                value = row.cells[0] if row.cells and isinstance(row.cells[0], str) else ""
                problem = (
                    f'It is one value, "{shown(value)}", but the header\'s columns are separated by '
                    f"{_DELIMITER_NAMES[self.delimiter]}; this row seems to be separated by "
                    f"{_DELIMITER_NAMES[other]}: save the file with one delimiter throughout"
                )
                self.rows[position] = Row(row.number, row.cells, (*row.problems, problem))

    def table(self, warnings: Sequence[str] = ()) -> Table:
        if self.header is None:
            raise ImportFileError(f"{self.name} is empty.")
        if not self.rows:
            raise ImportFileError(f"{self.name} has a header row but no rows below it to import.")
        self._delimiter_problems()
        found = list(warnings)
        if self.unheaded:
            letters = [column_letter(index) for index in sorted(self.unheaded)]
            if len(letters) == 1:
                found.append(f"Column {letters[0]} has values but no heading, so it was ignored.")
            else:
                if len(letters) > 10:
                    listed = f"{', '.join(letters[:10])} and {len(letters) - 10:,} more"
                else:
                    listed = f"{', '.join(letters[:-1])} and {letters[-1]}"
                found.append(f"Columns {listed} have values but no heading, so they were ignored.")
        return Table(self.name, self.header, tuple(self.rows), tuple(found))


def _printable(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else delimiter


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def unquoted(text: str) -> str:
    """Text as it was before an export kept it from being read as a formula (a leading ' before = + - @)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text
