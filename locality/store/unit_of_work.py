"""The seam between services and SQLAlchemy: one ``UnitOfWork`` is one transaction.

Services ask it for records and hand it new ones; they never build SQL themselves. Queries that need more than
"rows of a model where columns equal values" live in ``locality.store.queries``.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from locality.domain.entities import Entity
from locality.domain.vocabulary import normalise_name
from locality.store.change_log import ChangeLog, data_stamp, start_new_replica
from locality.store.models import Base, TrackedMixin, WorkspaceMetaRecord, utc_now
from locality.store.row_insert import Converted, insert_chunked

T = TypeVar("T")
Row = dict[str, Any]

# SQLite's page cache (KiB) while many rows are inserted: new rows land all over the indexes of big tables (ids are
# random UUIDs), and SQLite's default of 2 MB would read the same index pages again and again.
INSERT_CACHE_KIB = 65_536


class UnitOfWork:
    def __init__(self, session: Session, *, author: str = "", author_organisation: str = "") -> None:
        self.session = session
        self.author = author
        self.author_organisation = author_organisation
        self._meta: WorkspaceMetaRecord | None = None
        #: This transaction's change-log entries, the one way they are written.
        self.changes = ChangeLog(
            self.session.connection,
            author=author,
            author_organisation=author_organisation,
            written=self._numbers_taken,
        )

    # ------------------------------------------------------------------ reading

    def get(self, model: type[T], record_id: uuid.UUID, *, include_deleted: bool = False) -> T | None:
        record = self.session.get(model, record_id)
        if record is None:
            return None
        if not include_deleted and isinstance(record, TrackedMixin) and record.deleted_at is not None:
            return None
        return record

    def by_ids(self, model: type[T], record_ids: Iterable[uuid.UUID]) -> builtins.list[T]:
        """The records of ``model`` with these ids, tombstoned ones included (in no particular order)."""
        wanted = builtins.list(record_ids)
        return self.list(model, {"id": wanted}, include_deleted=True) if wanted else []

    def list(
        self,
        model: type[T],
        where: Mapping[str, Any] | None = None,
        *,
        order_by: Sequence[str] = (),
        include_deleted: bool = False,
    ) -> builtins.list[T]:
        statement = select(model)
        for column, value in (where or {}).items():
            attribute = getattr(model, column)
            if isinstance(value, (list, tuple, set, frozenset)):
                statement = statement.where(attribute.in_(list(value)))
            else:
                statement = statement.where(attribute == value if value is not None else attribute.is_(None))
        if not include_deleted and issubclass(model, TrackedMixin):
            statement = statement.where(model.deleted_at.is_(None))
        for column in order_by:
            descending = column.startswith("-")
            attribute = getattr(model, column.lstrip("-"))
            statement = statement.order_by(attribute.desc() if descending else attribute)
        return list(self.session.scalars(statement))

    def count(self, model: type[T], where: Mapping[str, Any] | None = None) -> int:
        statement = select(func.count()).select_from(model)
        for column, value in (where or {}).items():
            statement = statement.where(getattr(model, column) == value)
        if issubclass(model, TrackedMixin):
            statement = statement.where(model.deleted_at.is_(None))
        return int(self.session.scalar(statement) or 0)

    def find_by_name(
        self,
        model: type[T],
        name: str,
        *,
        column: str = "name",
        where: Mapping[str, Any] | None = None,
    ) -> builtins.list[T]:
        """Live records whose ``column`` equals ``name`` ignoring case and surrounding or repeated spaces."""
        wanted = normalise_name(name)
        # Compared in Python: SQL's lower() folds only ASCII on SQLite.
        return [record for record in self.list(model, where) if normalise_name(str(getattr(record, column))) == wanted]

    def meta(self) -> WorkspaceMetaRecord:
        if self._meta is None:
            meta = self.session.scalars(select(WorkspaceMetaRecord).limit(1)).first()
            if meta is None:
                raise RuntimeError("workspace has no metadata row")
            self._meta = meta
        return self._meta

    # ------------------------------------------------------------------ writing

    def add(self, record: object) -> None:
        self.session.add(record)

    def add_all(self, records: Iterable[object]) -> None:
        self.session.add_all(list(records))

    def flush(self) -> None:
        self.session.flush()

    def touch(self, record: TrackedMixin) -> None:
        """Marks a record as changed now: a new version and ``updated_at``."""
        record.version = (record.version or 0) + 1
        record.updated_at = utc_now()

    def log(
        self,
        entity: Entity,
        record_id: uuid.UUID,
        operation: str,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        at: datetime | None = None,
    ) -> None:
        """Logs one change (``change_log.ChangeLog.add``): numbered and written with this transaction's other
        entries, in the order they were made, before it commits (or when ``insert_rows`` writes). ``at``: when
        the change was made (now, unless the caller has just taken the time for the record itself)."""
        self.changes.add(entity, record_id, operation, field, old, new, at=at)

    def write_changes(self) -> None:
        """Writes the change-log entries made so far (the workspace's transaction does before it commits)."""
        self.changes.write()

    def data_stamp(self) -> tuple[Any, ...]:
        """``change_log.data_stamp``: moves whenever the workspace's content may have changed."""
        return data_stamp(self.session)

    def new_replica(self) -> tuple[uuid.UUID, int]:
        """``change_log.start_new_replica``: this workspace becomes a new replica, its counter at 0. Returns the
        previous replica id and the last number it took."""
        self.session.flush()
        meta_id, previous, last, new = start_new_replica(self.session.connection())
        self._in_step(meta_id, replica_id=new, last_change_seq=0)
        return previous, last

    def _numbers_taken(self, meta_id: Any, last_seq: int) -> None:
        self._in_step(meta_id, last_change_seq=last_seq)

    def _in_step(self, meta_id: Any, **values: Any) -> None:
        # The counter moved in the database; the metadata row, if this session holds it, is told so, so that it
        # neither reads as stale nor writes an old number back.
        meta = self.session.identity_map.get(identity_key(WorkspaceMetaRecord, meta_id))
        if meta is not None:
            for name, value in values.items():
                set_committed_value(meta, name, value)

    def insert_rows(self, rows_by_model: Mapping[type[Any], Sequence[Mapping[str, Any]]]) -> None:
        """Writes new rows, given as plain dicts by model, in this transaction: tables in foreign-key order,
        each by a few executemany statements instead of a session object and a flush per row, and then the
        change-log entries made so far.

        For many records at once (an import). The caller gives each row every value the record would have (id,
        times, version) and the same keys for every row of a model; records added with ``add`` are flushed
        first, so rows may refer to them."""
        wanted = {model.__table__.name: rows for model, rows in rows_by_model.items() if rows}
        if not wanted and not self.changes.pending:
            return
        self.session.flush()
        connection = self.session.connection()
        sqlite = connection.dialect.name == "sqlite"
        cache = connection.exec_driver_sql("PRAGMA cache_size").scalar() if sqlite else None
        if cache is not None:
            connection.exec_driver_sql(f"PRAGMA cache_size=-{INSERT_CACHE_KIB}")
        converted: Converted = {}
        try:
            for table in Base.metadata.sorted_tables:
                insert_chunked(connection, table, wanted.get(table.name) or (), converted)
            self.changes.write(converted)
        finally:
            if cache is not None:
                connection.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
