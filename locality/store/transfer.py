"""Moving a workspace between a file and a server, either way (``locality copy``): every record, every change-log
entry with the replica id it was made on, and what each replica has already merged, copied as stored.

The copy is written in one go and appears complete or not at all: a file is built aside and linked into place
(``creation.new_workspace_aside``), a server database is filled in one transaction (PostgreSQL's schema changes
are transactional too). It becomes a replica of its own that knows it holds everything the original had made, as
a copy opened from a new path does, so that the two can later be merged without either's history repeating.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Integer, Table, func, insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from locality.domain.errors import WorkspaceError
from locality.store.change_log import start_new_replica
from locality.store.creation import new_workspace_aside
from locality.store.database_errors import is_environmental
from locality.store.engine import (
    make_engine,
    server_engine,
    shown_location,
    sqlite_path_of,
    sqlite_url,
    stored_location,
)
from locality.store.error_sentences import describe_database_error
from locality.store.merge_rows import parents_first
from locality.store.migrate import upgrade_to_head
from locality.store.models import Base, ChangeLogRecord, ReplicaSyncStateRecord, WorkspaceMetaRecord
from locality.store.row_insert import Converted, insert_chunked
from locality.store.workspace import open_workspace

log = logging.getLogger("locality.store")

#: Rows read and written at a time: bounded memory on the large workspace.
_CHUNK = 5_000

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class CopyCancelled(WorkspaceError):
    """The copy was stopped; nothing was written."""


@dataclass(frozen=True)
class CopySummary:
    source: str  # as shown: a server's password masked
    destination: str
    records: int  # rows of the data tables (everything but the change log)
    history_entries: int


def copy_workspace(
    source: str, destination: str, *, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> CopySummary:
    """Copies the workspace at ``source`` (a path or URL, left untouched) to ``destination``: a file that does
    not exist yet, or an empty server database. Refused with one sentence, nothing written, otherwise."""
    destination_path = sqlite_path_of(destination)
    source_path = sqlite_path_of(source)
    if source_path is not None and destination_path is not None and _same_file(source_path, destination_path):
        raise WorkspaceError("The copy must go somewhere other than the workspace itself.")
    if source_path is not None and not source_path.expanduser().exists():
        raise WorkspaceError(f"There is no workspace at {source_path}.")
    if source_path is None and destination_path is None and stored_location(source) == stored_location(destination):
        raise WorkspaceError("The copy must go somewhere other than the workspace itself.")
    workspace = open_workspace(source, create_missing=False, upgrade=False, read_only=True)
    try:
        with workspace.engine.connect() as reader:
            if reader.dialect.name == "postgresql":
                # One snapshot for every table, so that a save made meanwhile is copied whole or not at all.
                reader.execution_options(isolation_level="REPEATABLE READ")
            # On SQLite one read transaction holds the shared lock throughout, for the same reason.
            with reader.begin():
                counts = {table.name: _count(reader, table) for table in _tables()}
                if destination_path is None:
                    _copy_to_server(reader, destination, counts, progress, cancelled)
                else:
                    _copy_to_file(reader, destination_path.expanduser(), counts, progress, cancelled)
    except DBAPIError as error:
        if not is_environmental(error):
            raise
        raise WorkspaceError(describe_database_error(error)) from error
    finally:
        workspace.close()
    history = counts[ChangeLogRecord.__tablename__]
    log.info("copied %s to %s", workspace.location, shown_location(destination))
    return CopySummary(
        source=workspace.location,
        destination=shown_location(destination),
        records=sum(counts.values()) - history,
        history_entries=history,
    )


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.expanduser().resolve() == second.expanduser().resolve()
    except OSError:
        return False


def _tables() -> list[Table]:
    """Every table of the schema, each after the tables it refers to."""
    return list(Base.metadata.sorted_tables)


def _count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _copy_to_file(
    reader: Connection, path: Path, counts: Mapping[str, int], progress: Progress | None, cancelled: Cancelled | None
) -> None:
    if path.exists() or path.is_symlink():
        raise WorkspaceError(f"{path.name} already exists; copy to a new file so that nothing is overwritten.")
    with new_workspace_aside(path, seeded=False) as temporary:
        engine = make_engine(sqlite_url(temporary))
        try:
            with engine.begin() as writer:
                _copy_rows(reader, writer, counts, progress, cancelled)
                _become_own_replica(writer, str(path.resolve()))
        finally:
            engine.dispose()


def _copy_to_server(
    reader: Connection, url: str, counts: Mapping[str, int], progress: Progress | None, cancelled: Cancelled | None
) -> None:
    engine: Engine = server_engine(url)
    try:
        with engine.connect() as writer:
            if inspect(writer).get_table_names():
                raise WorkspaceError(
                    "That database already holds tables; copy into a new, empty database so that nothing is "
                    "overwritten."
                )
            writer.rollback()
            with writer.begin():
                upgrade_to_head(writer)
                _copy_rows(reader, writer, counts, progress, cancelled)
                _restart_sequences(writer)
                _become_own_replica(writer, stored_location(url))
            with writer.begin():
                # The planner's statistics for the tables just filled: without them PostgreSQL planned the first
                # queries as if every table were empty (opening the large demo's dashboard took 11 s, not 1.5 s)
                # until its background analysis came round.
                quote = writer.dialect.identifier_preparer.quote
                writer.execute(text("ANALYZE " + ", ".join(quote(table.name) for table in _tables())))
    finally:
        engine.dispose()


def _copy_rows(
    reader: Connection,
    writer: Connection,
    counts: Mapping[str, int],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    total = sum(counts.values())
    done = 0
    converted: Converted = {}
    for table in _tables():
        for rows in _rows_in_order(reader, table):
            if cancelled is not None and cancelled():
                raise CopyCancelled("The copy was stopped; nothing was written.")
            insert_chunked(writer, table, rows, converted)
            done += len(rows)
            if progress is not None:
                progress(done, total)


def _rows_in_order(reader: Connection, table: Table) -> Iterator[Sequence[Mapping[str, Any]]]:
    """The table's rows in chunks; a table that refers to itself (a theme under its parent) in one go, each row
    after the row it refers to, so that every foreign key holds as the rows go in."""
    result = reader.execute(select(table).order_by(*table.primary_key.columns)).mappings()
    if not any(key.column.table is table for key in table.foreign_keys):
        for chunk in result.partitions(_CHUNK):
            yield [dict(row) for row in chunk]
        return
    yield parents_first(table, [dict(row) for row in result])


def _restart_sequences(writer: Connection) -> None:
    """Rows went in with their ids, so a server's id sequences are moved past them (or the next entry would
    take an id already used)."""
    for table in _tables():
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer):
                writer.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) FROM {table.name}"
                    )
                )


def _become_own_replica(writer: Connection, location: str) -> None:
    """The copy takes a replica id of its own, remembering that it holds everything the original had made."""
    _meta_id, previous, last, _new = start_new_replica(writer)
    writer.execute(insert(ReplicaSyncStateRecord).values(replica_id=previous, last_seq_merged=last))
    writer.execute(update(WorkspaceMetaRecord).values(replica_path=location))
