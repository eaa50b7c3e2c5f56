"""Writing files atomically: a temporary file in the same folder, flushed to disk, then renamed over the target.

A failure part-way (a full disk, a cancelled export) leaves the target as it was, never half-written. Every
writer (exports, copies, backups, drafts, update sheets) goes through ``atomic_path``, which also:

- refuses to write over a workspace: an existing SQLite database, or a SQLite side file (``-journal``, ``-wal``,
  ``-shm``) beside an existing file, checked after following symbolic links, before writing and again just
  before the rename;
- writes through a symbolic link: the file the link points to is replaced and the link is kept;
- names its temporary ``.NAME.locality-HOST-PID-RANDOM.tmp`` and, before writing, removes temporaries left in
  the same folder by writers on this computer that are no longer running (a killed export or upgrade), and
  temporaries of the older ``.NAME.RANDOM.tmp`` form for the same target once they are an hour old. A running
  process's temporary is never removed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from locality.domain.errors import LocalityError

SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_SUFFIXES = ("-journal", "-wal", "-shm")
# Temporaries of the form before the writer's id was part of the name, left by a killed run, go after an hour.
OLD_TEMPORARY_AGE = 3600.0
# Temporaries left by another computer (a shared folder) go only after a day: its processes cannot be seen here.
OTHER_HOST_TEMPORARY_AGE = 24 * 3600.0


class FileWriteError(LocalityError):
    """A file could not be written; the sentence says why in the user's terms."""


def describe_os_error(error: OSError, path: Path) -> str:
    if error.errno == errno.ENOSPC:
        return f"There is not enough free disk space to write {path.name}; free some space and try again."
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Locality is not allowed to write to {path.parent}; choose another folder."
    if error.errno == errno.ENOENT:
        return f"The folder {path.parent} does not exist."
    if error.errno == errno.EISDIR:
        return f"{path.name} is a folder; choose a file name."
    return f"{path.name} could not be written: {error.strerror or error}."


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# --------------------------------------------------------------------------- never over a workspace


def is_sqlite_database(path: Path | str) -> bool:
    """True when ``path`` is an existing file that starts with SQLite's header (a workspace, or any database)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _side_file_base(path: Path) -> Path | None:
    for suffix in SIDE_SUFFIXES:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            return path.with_name(path.name[: -len(suffix)])
    return None


def _resolved(target: Path) -> Path:
    """``target`` with every symbolic link followed (also a link to a file that does not exist yet)."""
    return Path(os.path.realpath(target))


def workspace_refusal(target: Path | str) -> str | None:
    """The sentence refusing to write ``target`` when that would replace a workspace, or None when it may be
    written. Symbolic links are followed: what counts is the file that would be replaced."""
    target = Path(target)
    real = _resolved(target)
    via = "" if real == target.absolute() or real.name == target.name else f" (it leads to {real.name})"
    if real.is_file() and is_sqlite_database(real):
        return f"{target.name}{via} is a Locality workspace; choose another file name so it is not overwritten."
    if real.exists() and real.is_file() and not os.access(real, os.R_OK):
        return (
            f"{target.name}{via} cannot be read, so Locality cannot tell whether it is a workspace; "
            "choose another file name."
        )
    base = _side_file_base(real)
    if base is not None and base.is_file():
        return (
            f"{target.name}{via} belongs to the workspace {base.name}; "
            "choose another file name so it is not overwritten."
        )
    return None


def refuse_workspace(target: Path | str) -> None:
    """Raises FileWriteError when writing ``target`` would replace a workspace (see ``workspace_refusal``)."""
    refusal = workspace_refusal(target)
    if refusal is not None:
        raise FileWriteError(refusal)


# --------------------------------------------------------------------------- temporaries left by killed runs


def _host_tag() -> str:
    try:
        host = socket.gethostname()
    except OSError:  # pragma: no cover - no host name at all
        host = ""
    return hashlib.sha256(host.encode("utf-8", "replace")).hexdigest()[:6]


def _short_name(name: str) -> str:
    """The target's name as the temporary carries it, short enough that the temporary's name is allowed."""
    return name.encode("utf-8", "surrogateescape")[:180].decode("utf-8", "ignore")


# A temporary, or SQLite's side file of one (a workspace is built in a temporary before it is put in place).
_TEMPORARY = re.compile(
    r"^\..+\.locality-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[A-Za-z0-9_]+\.tmp(?:-journal|-wal|-shm)?$", re.DOTALL
)
_OLD_RANDOM = re.compile(r"^[a-z0-9_]{8}$")


def temporary_prefix(target_name: str) -> str:
    return f".{_short_name(target_name)}.locality-{_host_tag()}-{os.getpid()}-"


def _process_running(pid: int) -> bool:
    """True when a process with this id is running on this computer (or when that cannot be told)."""
    if pid <= 0:
        return True
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows
        return _windows_process_running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: it exists
    return True


def _windows_process_running(pid: int) -> bool:  # pragma: no cover - Windows only
    # os.kill(pid, 0) would end the process on Windows: ask for its exit code instead.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    query_limited_information, still_active, invalid_parameter = 0x1000, 259, 87
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return kernel32.GetLastError() != invalid_parameter
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def _process_started_at(pid: int) -> float | None:
    """When the process started (seconds since the epoch), where the system says so (Linux); else None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        with open("/proc/stat", encoding="ascii", errors="replace") as handle:
            boot = next(float(line.split()[1]) for line in handle if line.startswith("btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _writer_gone(pid: int, modified: float) -> bool:
    """True when the process that wrote a temporary last modified at ``modified`` is no longer running."""
    if not _process_running(pid):
        return True
    started = _process_started_at(pid)
    # A process that started after the temporary was last written cannot be its writer: the id was reused.
    return started is not None and started > modified + 2


def remove_stale_temporaries(folder: Path, target_name: str | None = None) -> list[Path]:
    """Removes the temporaries that killed writers left in ``folder`` and returns them.

    Removed: this computer's temporaries whose process is no longer running; another computer's after a day;
    and, for ``target_name``, temporaries of the older form (no writer id) once an hour old. Nothing a running
    writer is using is touched. Errors are ignored: tidying up must never stop a write.
    """
    removed: list[Path] = []
    host = _host_tag()
    now = time.time()
    old_prefix = f".{target_name}." if target_name else None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or ".tmp" not in name:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            modified = entry.stat(follow_symlinks=False).st_mtime
            match = _TEMPORARY.match(name)
            if match is not None:
                pid = int(match["pid"])
                if match["host"] == host:
                    stale = pid != os.getpid() and _writer_gone(pid, modified)
                else:
                    stale = now - modified > OTHER_HOST_TEMPORARY_AGE
            elif old_prefix is not None and name.startswith(old_prefix) and name.endswith(".tmp"):
                stale = bool(_OLD_RANDOM.match(name[len(old_prefix) : -len(".tmp")]))
                stale = stale and now - modified > OLD_TEMPORARY_AGE
            else:
                stale = False
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except (OSError, ValueError):
            continue
    return removed


# --------------------------------------------------------------------------- writing


@contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yields a temporary path to write; on success it replaces ``target``, on any error it is removed.

    Refuses (FileWriteError) a target that is a workspace or a workspace's side file; a symbolic link is
    written through, so the file it points to is replaced and the link stays.
    """
    target = Path(target)
    refuse_workspace(target)
    real = _resolved(target)
    if real.is_dir():
        raise FileWriteError(f"{target.name or target} is a folder; choose a file name.")
    remove_stale_temporaries(real.parent, real.name)
    try:
        handle, temporary_name = tempfile.mkstemp(prefix=temporary_prefix(real.name), suffix=".tmp", dir=real.parent)
    except OSError as error:
        raise FileWriteError(describe_os_error(error, target)) from error
    os.close(handle)
    temporary = Path(temporary_name)
    # mkstemp makes a private (0600) file; give the result the mode the target had, or the usual one.
    try:
        mode = real.stat().st_mode & 0o777 if real.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
    except OSError:
        pass
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        # Checked again at the last moment: a workspace may have been created there while this was written.
        refuse_workspace(target)
        os.replace(temporary, real)
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
