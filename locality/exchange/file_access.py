"""Checking and opening an import file before it is read: only a regular file (not a folder, pipe, device or
socket, checked again once open so that nothing swapped in can hang the import), of a kind Locality reads, and
no larger than it imports."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

from locality.domain.errors import ImportFileError
from locality.exchange.import_table import MEGABYTE

CSV_EXTENSIONS = (".csv", ".tsv", ".txt")


XLSX_EXTENSIONS = (".xlsx", ".xlsm")


CSV_BYTE_LIMIT = 64 * MEGABYTE


XLSX_BYTE_LIMIT = 64 * MEGABYTE


# Bytes that never appear in text (C0 controls other than tab, line feed, form feed and carriage return).
CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32)])


def _kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def _not_regular(path: Path, kind: str) -> ImportFileError:
    if kind == "a folder":
        return ImportFileError(f"{path} is a folder, not a file to import.")
    return ImportFileError(f"{path} is {kind}, not a file; save what it holds to a file and import that.")


def cannot_read(name: str, error: OSError) -> ImportFileError:
    if isinstance(error, PermissionError):
        return ImportFileError(f"{name} cannot be read: permission was refused.")
    return ImportFileError(f"{name} cannot be read ({error.strerror or error}).")


def _limit_for(path: Path) -> int:
    return XLSX_BYTE_LIMIT if path.suffix.lower() in XLSX_EXTENSIONS else CSV_BYTE_LIMIT


def too_large(name: str, limit: int) -> ImportFileError:
    return ImportFileError(
        f"{name} is larger than the {limit // MEGABYTE} MB Locality imports at once; split it into smaller files."
    )


def check_file(path: Path) -> None:
    """Refuses a file that is missing, not a regular file (a folder, a pipe, a device), too large, or neither
    CSV nor XLSX by its extension — before anything is read or opened, so that a command can refuse early."""
    name = path.name
    try:
        status = os.stat(path)  # follows symbolic links: what counts is what the link points at
    except FileNotFoundError:
        raise ImportFileError(f"There is no file at {path}.") from None
    except OSError as error:
        raise cannot_read(name, error) from None
    kind = _kind_of(status.st_mode)
    if kind is not None:
        raise _not_regular(path, kind)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ImportFileError(f"{name} is an old-style Excel file (.xls); save it as .xlsx or CSV and import that.")
    if suffix not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        raise ImportFileError(f"{name} is not a CSV or XLSX file; save it as .csv or .xlsx and import that.")
    if status.st_size > _limit_for(path):
        raise too_large(name, _limit_for(path))


def open_regular(path: Path) -> IO[bytes]:
    """``path`` opened for reading, refused unless it is a regular file. Opened without blocking, so that a named
    pipe put in its place after ``check_file`` cannot hang the import; checked again once open."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ImportFileError(f"There is no file at {path}.") from None
    except OSError as error:
        raise cannot_read(path.name, error) from None
    try:
        kind = _kind_of(os.fstat(descriptor).st_mode)
        if kind is not None:
            raise _not_regular(path, kind)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
