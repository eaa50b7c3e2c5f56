"""Reading an XLSX import file's first sheet: the zip checked from its own directory before anything is unpacked
(sizes, ratios, methods, parts, no DTD), then the sheet's XML read one row at a time with every odd cell named;
see ``reading.py`` for what is refused and why."""

from __future__ import annotations

import logging
import math
import os
import re
import struct
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from locality.domain.errors import ImportFileError
from locality.domain.values import MAX_YEAR, MIN_YEAR
from locality.exchange.file_access import CONTROL_BYTES, XLSX_BYTE_LIMIT, cannot_read, open_regular, too_large
from locality.exchange.import_table import (
    EXCEL_MAX_COLUMN,
    EXCEL_MAX_ROW,
    MAX_VALUES,
    MEGABYTE,
    Cell,
    OddCell,
    Table,
    TableBuilder,
    column_letter,
    shown,
    unquoted,
)

log = logging.getLogger("locality.exchange.reading")

XLSX_UNPACKED_LIMIT = 128 * MEGABYTE


XLSX_RATIO_LIMIT = 200


XLSX_MAX_PARTS = 10_000


def _damaged(name: str) -> ImportFileError:
    return ImportFileError(
        f"{name} is not a readable XLSX workbook; it may be damaged, or be another kind of file renamed."
    )


def _entry_count(handle: IO[bytes], size: int) -> int | None:
    """How many parts the zip's end record says it has (read before the zip's directory is), or None when
    there is no end record."""
    tail_size = min(size, 65536 + 22)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or position + 22 > len(tail):
        return None
    _, _, _, _, total, directory_size, _, _ = struct.unpack("<4s4H2LH", tail[position : position + 22])
    if total == 0xFFFF or directory_size == 0xFFFFFFFF:  # a ZIP64 archive: far more than a workbook has
        return XLSX_MAX_PARTS + 1
    return int(total)


_UNPACK_STEP = 1024 * 1024


class _BoundedZipFile(zipfile.ZipFile):
    """A zip whose parts are unpacked at most 1 MB at a time, however much a reader asks for. Python's zip reader
    stops a part at its declared size, but asked for "everything" it first inflates all of the part's compressed
    bytes in one go — a part that lies about its size could make that gigabytes. So nothing unpacks more than
    the part declares (checked against ``XLSX_UNPACKED_LIMIT``) plus one step."""

    def open(self, name: Any, mode: Any = "r", pwd: bytes | None = None, *, force_zip64: bool = False) -> IO[bytes]:
        part = super().open(name, mode, pwd, force_zip64=force_zip64)
        if isinstance(part, zipfile.ZipExtFile):
            part.MAX_N = _UNPACK_STEP
        return part


def _check_archive(name: str, archive: zipfile.ZipFile) -> None:
    """Refuses a workbook whose parts would unpack to too much (a "zip bomb") or that a workbook never is, from
    the sizes and methods the zip's directory declares — before anything is unpacked."""
    total = 0
    bomb = ImportFileError(
        f'{name} would unpack to far more than a workbook holds (it may be a "zip bomb"); it was not opened.'
    )
    for info in archive.infolist():
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportFileError(f"{name} is compressed in a way Excel does not use; save it again as .xlsx.")
        if info.flag_bits & 0x1:
            raise ImportFileError(f"{name} is encrypted; save it without a password and import that.")
        total += info.file_size
        if total > XLSX_UNPACKED_LIMIT:
            raise bomb
        if info.file_size > MEGABYTE and info.file_size > XLSX_RATIO_LIMIT * max(info.compress_size, 1):
            raise bomb
    for info in archive.infolist():
        # Every part is unpacked once, a step at a time, before openpyxl sees it: the zip reader stops at the
        # declared size and checks the part's checksum there, so a part that lies about its size is refused
        # here, having cost at most what it declared.
        with archive.open(info) as part:
            head = part.read(_PROLOG_LIMIT)
            while part.read(_UNPACK_STEP):
                pass
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size and not _plain_prolog(head):
            raise _damaged(name)


_PROLOG_LIMIT = 1024 * 1024


_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


def _plain_prolog(head: bytes) -> bool:
    """True when the XML in ``head`` reaches its first element with nothing but spaces, processing instructions
    and comments before it: no DTD, so no entities to expand (a "billion laughs") and nothing fetched."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while position < len(head):
        match = _PROLOG_ITEM.match(head, position)
        if match is None:
            return head[position : position + 1] == b"<" and head[position + 1 : position + 2] not in (b"!", b"?", b"")
        position = match.end()
    return False


def read_xlsx(path: Path) -> Table:
    name = path.name
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise ImportFileError(f"{name} is empty.")
            if size > XLSX_BYTE_LIMIT:
                raise too_large(name, XLSX_BYTE_LIMIT)
            count = _entry_count(handle, size)
            if count is None:
                handle.seek(0)
                head = handle.read(4096)
                if head and len(head.translate(None, CONTROL_BYTES)) == len(head):
                    raise ImportFileError(
                        f"{name} is not a readable XLSX workbook but text; if it is CSV, give it the .csv "
                        "extension and import that."
                    )
                raise _damaged(name)
            if count > XLSX_MAX_PARTS:
                raise ImportFileError(f"{name} has far more parts than a workbook has; it was not opened.")
            handle.seek(0)
            try:
                archive = _BoundedZipFile(handle)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
                raise _damaged(name) from None
            with archive:
                try:
                    _check_archive(name, archive)
                except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError):
                    raise _damaged(name) from None
            handle.seek(0)
            return _read_workbook(name, handle)
        except OSError as error:
            raise cannot_read(name, error) from None


def _read_workbook(name: str, handle: IO[bytes]) -> Table:
    """The first sheet of a workbook already checked by ``_check_archive``. openpyxl reads the workbook's parts
    (its sheets, shared texts and styles) but not the sheets themselves: openpyxl's read-only sheets scan the
    whole sheet for its recorded size on opening, and convert each cell in Python, so ``_sheet_rows`` reads the
    first sheet's XML itself."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    warnings_found: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it skips; they do not concern an import
        reader: Any = None
        try:
            reader = ExcelReader(handle, read_only=True, data_only=True)
            reader.archive.close()  # the same file, but unpacked a step at a time (see _BoundedZipFile)
            reader.archive = _BoundedZipFile(handle)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            sheets = [
                (sheet, relation)
                for sheet, relation in reader.parser.find_sheets()
                if relation.target in reader.valid_files and "chartsheet" not in str(relation.Type)
            ]
        except Exception:  # a damaged workbook can fail in many ways inside openpyxl and the XML parser
            log.debug("cannot open %s as a workbook", name, exc_info=True)
            if reader is not None and getattr(reader, "archive", None) is not None:
                reader.archive.close()
            raise _damaged(name) from None
        try:
            if not sheets:
                raise ImportFileError(f"{name} is empty.")
            sheet, relation = sheets[0]
            if len(sheets) > 1:
                warnings_found.append(
                    f'Only the first sheet, "{sheet.name}", was read; the workbook has {len(sheets)} sheets.'
                )
            builder = TableBuilder(name)
            rows = _sheet_rows(name, reader.wb, reader.archive, relation.target, reader.shared_strings)
            for number, pairs in rows:
                builder.add_sparse(number, pairs)
            return builder.table(warnings_found)
        except ImportFileError:
            raise
        except Exception:
            log.debug("cannot read the first sheet of %s", name, exc_info=True)
            raise _damaged(name) from None
        finally:
            reader.archive.close()


class _Styles:
    """What a cell's style says about its number: a date, a duration or a percentage."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.known: dict[int, str] = {}

    def kind(self, style_id: int) -> str:
        if style_id not in self.known:
            self.known[style_id] = self._kind(style_id)
        return self.known[style_id]

    def _kind(self, style_id: int) -> str:
        workbook = self.workbook
        if style_id in getattr(workbook, "_timedelta_formats", ()):
            return "duration"
        if style_id in getattr(workbook, "_date_formats", ()):
            return "date"
        try:
            from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

            number_format_id = workbook._cell_styles[style_id].numFmtId
            if number_format_id < BUILTIN_FORMATS_MAX_SIZE:
                text = BUILTIN_FORMATS.get(number_format_id, "General")
            else:
                text = workbook._number_formats[number_format_id - BUILTIN_FORMATS_MAX_SIZE]
        except (IndexError, KeyError, AttributeError, TypeError):
            return "number"
        return "percent" if "%" in str(text or "") else "number"


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


_ROW_TAG, _CELL_TAG, _VALUE_TAG, _FORMULA_TAG = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}f"


_INLINE_TAG, _TEXT_TAG, _RUN_TAG = f"{_MAIN}is", f"{_MAIN}t", f"{_MAIN}r"


_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})", re.ASCII)


def _sheet_rows(
    name: str, workbook: Any, archive: zipfile.ZipFile, part: str, shared_strings: Sequence[Any]
) -> Iterator[tuple[int, list[tuple[int, Cell]]]]:
    """Each row of the sheet that has a value, as (its number, its (zero-based column, value) pairs), from the
    cells present in the sheet's XML — not from the size the sheet records, which may be wrong. Each row's XML
    is let go once read, so a sheet takes little memory however long it is."""
    from lxml import etree

    shared = list(shared_strings or ())
    reader = _CellReader(shared, _Styles(workbook), workbook.epoch)
    cells_read = 0
    last = 0
    with archive.open(part) as source:
        rows = etree.iterparse(
            source,
            events=("end",),
            tag=_ROW_TAG,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        for _, row in rows:
            reference = row.get("r")
            number = last + 1 if reference is None else int(reference) if reference.isdigit() else 0
            if not last < number <= EXCEL_MAX_ROW:
                raise _damaged(name)
            last = number
            pairs: list[tuple[int, Cell]] = []
            column = 0
            for cell in row.iterchildren(_CELL_TAG):
                cells_read += 1
                if cells_read > MAX_VALUES:
                    raise ImportFileError(
                        f"{name} has more than {MAX_VALUES:,} cells, more than Locality imports at once; "
                        "split it into smaller files."
                    )
                column = _column_of(cell.get("r"), column, name)
                value = reader.value(cell, column)
                if value is not None:
                    pairs.append((column - 1, value))
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            if pairs:
                yield number, pairs


def _column_of(reference: str | None, previous: int, name: str) -> int:
    """The one-based column of a cell: from its reference ("C7"), or the one after ``previous`` when it has none."""
    if reference is None:
        column = previous + 1
    else:
        match = _REFERENCE.fullmatch(reference)
        if match is None:
            raise ImportFileError(
                f"{name} is not a readable XLSX workbook; its first sheet has a cell with a wrong reference "
                f'("{shown(reference, 20)}").'
            )
        column = 0
        for letter in match[1].upper():
            column = column * 26 + ord(letter) - ord("A") + 1
    if not 1 <= column <= EXCEL_MAX_COLUMN:
        raise _damaged(name)
    return column


class _CellReader:
    """One cell's value from its XML: text, a number, a date, TRUE/FALSE — or an ``OddCell`` saying why not."""

    def __init__(self, shared: list[Any], styles: _Styles, epoch: datetime) -> None:
        self.shared = shared
        self.styles = styles
        self.epoch = epoch

    def value(self, cell: Any, column: int) -> Cell:
        found = self._value(cell, "")
        if isinstance(found, OddCell):  # the column's letter is worked out only for the rare odd cell
            return OddCell(column_letter(column - 1), found.reason)
        return found

    def _value(self, cell: Any, letter: str) -> Cell:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(_INLINE_TAG)
            if inline is None:
                return None
            return unquoted(_inline_text(inline))
        found = cell.find(_VALUE_TAG)
        raw = found.text if found is not None else None
        if raw is None or raw == "":
            if found is None and cell.find(_FORMULA_TAG) is not None:
                return OddCell(
                    letter,
                    "holds a formula whose result was not saved with the workbook; open it in Excel, save it and "
                    "import it again",
                )
            return None
        if kind == "s":
            try:
                return unquoted(str(self.shared[int(raw)]))
            except (ValueError, IndexError):
                return OddCell(letter, "refers to a text that is not in the workbook; it may be damaged")
        if kind == "str":
            return unquoted(raw)
        if kind == "b":
            if raw.strip() in ("0", "1"):
                return "TRUE" if raw.strip() == "1" else "FALSE"
            return OddCell(letter, f'holds "{shown(raw, 20)}" as TRUE or FALSE, which cannot be read')
        if kind == "e":
            return OddCell(letter, f"holds the error {shown(raw, 20)}; correct it in the workbook")
        if kind == "d":
            return self._iso_date(raw, letter)
        if kind != "n":
            return OddCell(letter, f'holds a value of a kind Locality does not read ("{shown(kind, 12)}")')
        return self._number(raw, cell.get("s"), letter)

    def _number(self, raw: str, style: str | None, letter: str) -> Cell:
        text = raw.strip()
        number: int | float
        try:
            number = float(text) if any(mark in text for mark in ".eE") else int(text)
        except ValueError:
            return OddCell(letter, f'holds "{shown(raw, 20)}", which cannot be read as a number')
        if isinstance(number, float) and not math.isfinite(number):
            return OddCell(letter, "holds a number that is not finite (infinity or not a number)")
        if isinstance(number, int) and abs(number) > 10**18:  # beyond what any field stores, or a float holds
            return OddCell(letter, "holds a number too large to read")
        kind = self.styles.kind(int(style)) if style and style.isdigit() else "number"
        if kind == "date":
            return _serial_date(number, letter, self.epoch)
        if kind == "percent":
            scaled = round(number * 100, 10)
            if not math.isfinite(scaled):
                return OddCell(letter, "holds a number too large to read")
            return int(scaled) if float(scaled).is_integer() else scaled
        return number

    def _iso_date(self, raw: str, letter: str) -> Cell:
        from openpyxl.utils.datetime import from_ISO8601

        try:
            value = from_ISO8601(raw)
        except (ValueError, TypeError, OverflowError):
            value = None
        if isinstance(value, datetime):
            return _checked_date(value.date(), letter)
        if isinstance(value, date):
            return _checked_date(value, letter)
        return OddCell(letter, f'holds a date that cannot be read ("{shown(raw, 20)}")')


def _inline_text(inline: Any) -> str:
    """The text of an inline string: its own text, or its runs' (phonetic guides left out)."""
    direct = inline.find(_TEXT_TAG)
    if direct is not None:
        return str(direct.text or "")
    return "".join(str(run.findtext(_TEXT_TAG) or "") for run in inline.iterchildren(_RUN_TAG))


def _serial_date(value: float, letter: str, epoch: datetime) -> Cell:
    from openpyxl.utils.datetime import from_excel

    try:
        converted = from_excel(value, epoch)
    except (OverflowError, ValueError, TypeError):
        converted = None
    if not isinstance(converted, (datetime, date)):
        return OddCell(letter, f"holds a date Excel cannot show (the number {shown(str(value), 20)})")
    return _checked_date(converted.date() if isinstance(converted, datetime) else converted, letter)


def _checked_date(value: date, letter: str) -> Cell:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return OddCell(letter, f"holds the date {value.isoformat()}, whose year is not from {MIN_YEAR} to {MAX_YEAR}")
    return value
