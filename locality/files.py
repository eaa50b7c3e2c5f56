"""Writing files atomically: a temporary file in the same folder, flushed to disk, then renamed over the target.

A failure part-way (a full disk, a cancelled export) leaves the target as it was, never half-written.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from locality.domain.errors import LocalityError


class FileWriteError(LocalityError):
    """A file could not be written; the sentence says why in the user's terms."""


def describe_os_error(error: OSError, path: Path) -> str:
    if error.errno == errno.ENOSPC:
        return f"There is not enough free disk space to write {path.name}; free some space and try again."
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Locality is not allowed to write to {path.parent}; choose another folder."
    if error.errno == errno.ENOENT:
        return f"The folder {path.parent} does not exist."
    return f"{path.name} could not be written: {error.strerror or error}."


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yields a temporary path to write; on success it replaces ``target``, on any error it is removed."""
    target = Path(target)
    try:
        handle, temporary_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise FileWriteError(describe_os_error(error, target)) from error
    os.close(handle)
    temporary = Path(temporary_name)
    # mkstemp makes a private (0600) file; give the result the mode the target had, or the usual one.
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
    except OSError:
        pass
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise FileWriteError(describe_os_error(error, target)) from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: Path | str, data: bytes) -> None:
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


def atomic_copy(source: Path | str, target: Path | str) -> None:
    with atomic_path(target) as temporary:
        shutil.copyfile(source, temporary)
