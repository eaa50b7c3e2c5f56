"""Reading an import file (CSV or XLSX) into its header and rows, with each row's number as a spreadsheet shows it.

CSV: comma, semicolon or tab, told apart by the header line; UTF-8 with or without a byte-order mark, UTF-16
with one (Excel's "Unicode text"), or Windows-1252 when the bytes are not UTF-8. XLSX: the first sheet; openpyxl
reads the workbook's parts (sheets, shared texts, styles) and the sheet's XML is read here one row at a time with
lxml; date cells come back as ``date``, numbers as ``int`` or ``float`` (a number formatted as a percentage as
the percentage, so a cell showing 50% reads as 50).

Row numbers are the spreadsheet's: the header is on row 1 when it is the first line, and blank rows are skipped
but still counted, so "row 7" is the row the user sees as 7. Every problem with the file itself is an
``ImportFileError`` carrying one plain sentence; a problem with one row is kept on that row (``Row.problems``,
or an ``OddCell`` in its cells) so that the import reports it as ``row N: reason``.

The parts: ``file_access.py`` checks and opens the file, ``read_csv.py`` and ``read_xlsx.py`` read each format,
and ``import_table.py`` builds the ``Table`` with the checks both share.

What is refused, and why
------------------------
- Only a regular file is read (after following symbolic links): a folder, a named pipe, a device such as
  ``/dev/zero`` or a socket is refused before it is opened, and the file is opened without blocking and checked
  again once open, so a pipe swapped in meanwhile cannot hang the import.
- Size: a CSV file of at most ``CSV_BYTE_LIMIT`` (64 MB) — 20,000 actions with long descriptions take about
  20 MB — and at most ``MAX_ROWS`` (100,000) lines and ``MAX_VALUES`` (2,000,000) values. A workbook file of at
  most ``XLSX_BYTE_LIMIT`` (64 MB) whose parts unpack to at most ``XLSX_UNPACKED_LIMIT`` (128 MB) in all, no part
  of more than 1 MB shrunk more than ``XLSX_RATIO_LIMIT`` (200) times (real sheets shrink 5 to 50 times; a "zip
  bomb" thousands of times), with at most ``XLSX_MAX_PARTS`` parts, compressed only as Excel does (deflate),
  and with no DTD (entity declarations) in any XML part. Sizes, methods and ratios are checked from the zip's
  own directory before anything is unpacked. Then each part is unpacked once, at most 1 MB at a time, before
  openpyxl reads anything: the zip reader never unpacks more than a part declares, and a part that lies about
  its size fails its checksum there and the workbook is refused as damaged — so a lying header costs no more
  than it declared (which is capped), and no reader is ever handed more.
- CSV encoding: a UTF-16 byte-order mark means UTF-16. Otherwise, a file that is valid UTF-8 is UTF-8. A file
  that is not, but holds at least one valid UTF-8 sequence of two or more bytes (such as ``C3 A9`` for "é"), is
  taken as UTF-8 with some broken bytes — Windows-1252 text practically never forms such sequences, while UTF-8
  text with a damaged or pasted-in part always does — and every row holding a broken byte is an error. A file
  with no such sequence is Windows-1252, and a row holding one of the five bytes Windows-1252 leaves undefined
  (0x81, 0x8D, 0x8F, 0x90, 0x9D) is an error. So mojibake is never imported silently: either the text decodes
  as what its bytes say, or the rows that do not are named. A file whose first 64 KB are mostly NUL at every
  other byte is UTF-16 without a byte-order mark, and one with many control bytes is not text: both refused.
- In any text cell (header too), a control character other than tab and the line breaks of a quoted multi-line
  value — NUL, the other C0 controls, DEL and the C1 controls U+0080 to U+009F (which only appear when text was
  decoded wrongly) — is a row error.
- CSV shape: a row with more values than the header has columns is an error (trailing empty cells, as Excel
  writes ``a,b,,``, do not count, and a shorter row is fine). A row of one value holding another delimiter
  under a header of several columns was saved with a different delimiter from the header's — an error when
  every row is so, or when that delimiter splits the value into exactly the header's three or more columns (a
  lone "Training; phase 2" among proper rows is a name with a semicolon in it). An unterminated quote, or a
  quote closed in the middle of a value, is an error on the row where the quoted value starts.
- XLSX cells: an error value (#REF!, #DIV/0!...), a formula whose result was not saved, a date out of range
  (years 1900 to 2999, as the domain's), a number that is not finite, or a value that cannot be converted is an
  ``OddCell`` naming the column; the import reports it when that column is read and ignores it otherwise.
  Rows past Excel's 1,048,576 or columns past its 16,384 mean a damaged workbook. A sheet's recorded size is
  never trusted: only the cells present are read.
"""

from __future__ import annotations

from pathlib import Path

from locality.exchange.file_access import XLSX_EXTENSIONS, check_file
from locality.exchange.import_table import Table
from locality.exchange.read_csv import read_csv
from locality.exchange.read_xlsx import read_xlsx


def read_table(path: Path) -> Table:
    """The header and rows of ``path``; ``ImportFileError`` with one sentence when it cannot be read."""
    check_file(path)
    if path.suffix.lower() in XLSX_EXTENSIONS:
        return read_xlsx(path)
    return read_csv(path)
