"""Importing organisations, needs, actions or progress updates from a CSV or XLSX file (contract in DESIGN.md).

Columns are matched to ours by their headings, ignoring case, spaces, underscores and hyphens; a column we do not
read is reported as a warning. Each row's values are read leniently (UK or ISO dates, money with £ and thousands
separators, lists separated by ``;``) and every organisation, need, action and vocabulary value it names must
already exist — or, for an organisations file, be created by an earlier row of the same file. A name nobody
knows is an error for that row (the message lists what is allowed), never a silent creation. A name already
taken (an organisation, or the title of a need or action) is an error too, so that importing a file twice does
not double it. A need's organisations are linked as sharing it; an action's funding source gets an allocation of
the whole budget (a source without a budget is a warning). A row the reader found malformed (see reading.py: its
shape, undecodable bytes or control characters) is an error as it is, and a workbook cell that could not be read
is an error when its column is read. Numbers and dates are range-checked by the domain (values.py): money that
is not finite, negative or too large to store, a percentage outside 0 to 100, a year outside 1900 to 2999. The
same warning given many times is folded into one line (``collapse_warnings``).

All or nothing — how: every row goes through the services' batch entry points (``creating_many`` of
organisations, needs and actions, ``creating_allocations``, ``logging_many`` of progress), which check each
draft with the services' own validation and turn it into the same records and change-log entries as their
one-at-a-time create calls, and all of it runs in ONE transaction of the workspace: the services' public batch
(``ServiceContext.batch``), inside which every service call joins that transaction. The service batches share
it and one ``records.Batch``: the records rows name are read once (``records.Known``, which also holds what
earlier rows created), and the new rows are written together (``records.NewRows``) instead of a few queries and
a flush or two a row — 20,000 actions in seconds rather than minutes (``benchmarks/bench_import.py``). A bad row
(whether caught while its values are read or by the service's own validation, which runs before the row is
kept) is collected as ``row N: reason`` and the import carries on checking the rest; at the end any bad row —
or a dry run, a preview, a cancel, or any unexpected error — rolls the whole batch back, so nothing is written.
Only a clean run commits, and listeners then hear of every entity once.

Row numbers are the spreadsheet's: the header is row 1 and blank rows are skipped but counted.
"""

from __future__ import annotations

import builtins
import re
import uuid
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from locality.domain.errors import ImportFileError, LocalityError, NotFoundError, ValidationError
from locality.domain.support import OfferDraft, ProviderDraft
from locality.domain.vocabulary import ActionStatus, NeedStatus, Priority, Rag, VocabularyKind, normalise_name
from locality.exchange.import_columns import KINDS, match_columns
from locality.exchange.import_rows import Names, RowReader, cell_text, lookups
from locality.exchange.import_table import Cell, Table, is_blank
from locality.exchange.reading import read_table
from locality.services import records
from locality.services.actions import ActionDraft, PartnerDraft
from locality.services.context import User
from locality.services.funding import AllocationDraft
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.progress import ProgressDraft
from locality.services.registry import Services
from locality.store.unit_of_work import UnitOfWork

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


# What each kind creates, as counted in a report: (plural, singular).
ORGANISATIONS = "organisations"
NEEDS = "needs"
ACTIONS = "actions"
ALLOCATIONS = "funding allocations"
PROGRESS_UPDATES = "progress updates"
PROVIDERS = "support providers"
OFFERS = "support offers"
_SINGULAR = {
    PROVIDERS: "support provider",
    OFFERS: "support offer",
    ORGANISATIONS: "organisation",
    NEEDS: "need",
    ACTIONS: "action",
    ALLOCATIONS: "funding allocation",
    PROGRESS_UPDATES: "progress update",
}


# The columns in which a progress row reports something; a row with none of them filled in is skipped.
PROGRESS_REPORTED = ("date", "percent_complete", "status", "rag", "note")


class ImportCancelled(LocalityError):
    """The user cancelled an import; nothing was written."""

    def __init__(self, message: str = "The import was cancelled; nothing was written.") -> None:
        super().__init__(message)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    kind: str
    file_name: str
    rows_read: int
    created: dict[str, int] = field(default_factory=dict)  # "organisations" -> 12, in the order created
    warnings: tuple[str, ...] = ()
    dry_run: bool = False

    def count(self, label: str) -> int:
        return self.created.get(label, 0)

    def lines(self) -> builtins.list[str]:
        """One sentence per kind of record created: "Imported 12 organisations from partners.csv."."""
        verb = "Would import" if self.dry_run else "Imported"
        lines = [
            f"{verb} {count:,} {label if count != 1 else _SINGULAR.get(label, label)} from {self.file_name}."
            for label, count in self.created.items()
            if count
        ]
        if not lines:
            lines.append(f"{verb} nothing from {self.file_name}.")
        if self.dry_run:
            lines.append("Nothing was written (dry run).")
        return lines


@dataclass(frozen=True)
class ImportPreview:
    """What an import of a file would do, for a dialog to show before anything is written."""

    kind: str
    file_name: str
    columns: tuple[tuple[str, str | None], ...]  # (the file's heading, our column or None when ignored)
    rows: tuple[dict[str, str], ...]  # the rows that would be created: our column -> the text in the file
    row_errors: tuple[str, ...]  # "row N: reason"
    warnings: tuple[str, ...]
    rows_read: int
    created: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.row_errors


# --------------------------------------------------------------------------- public API


def import_kinds() -> tuple[str, ...]:
    return tuple(KINDS)


def check_kind(kind: str) -> str:
    """``kind`` as one of ours; ``ImportFileError`` naming the kinds otherwise."""
    wanted = (kind or "").strip().lower()
    if wanted not in KINDS:
        raise ImportFileError(f'"{kind}" is not something Locality imports; use one of: {", ".join(KINDS)}.')
    return wanted


def import_file(
    services: Services,
    kind: str,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Imports every row of ``path`` as ``kind`` in one transaction, or nothing.

    Raises ``ImportFileError`` for a file that cannot be read or lacks a required column (one sentence), or when
    any row is bad (``row_errors`` holds each ``row N: reason``); ``ImportCancelled`` when ``cancelled()``
    answers True. ``progress(done, total)`` is called as rows are checked and written.
    """
    outcome = _run(
        services,
        check_kind(kind),
        Path(path),
        commit=not dry_run,
        progress=progress,
        cancelled=cancelled,
        previews=False,
    )
    if outcome.row_errors:
        count = len(outcome.row_errors)
        raise ImportFileError(
            f"{count} {'row' if count == 1 else 'rows'} of {outcome.table.name} cannot be imported; "
            "nothing was written.",
            row_errors=outcome.row_errors,
        )
    return ImportReport(
        kind=outcome.kind,
        file_name=outcome.table.name,
        rows_read=len(outcome.table.rows),
        created=dict(outcome.created),
        warnings=collapse_warnings(outcome.warnings),
        dry_run=dry_run,
    )


def preview(
    services: Services,
    kind: str,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportPreview:
    """What importing ``path`` would do, with nothing written: how its columns match ours, the rows that would
    be created, and every bad row. A file that cannot be read at all raises ``ImportFileError``."""
    outcome = _run(services, check_kind(kind), Path(path), commit=False, progress=progress, cancelled=cancelled)
    return ImportPreview(
        kind=outcome.kind,
        file_name=outcome.table.name,
        columns=tuple(outcome.columns),
        rows=tuple(outcome.previews),
        row_errors=tuple(outcome.row_errors),
        warnings=collapse_warnings(outcome.warnings),
        rows_read=len(outcome.table.rows),
        created=dict(outcome.created),
    )


class _RollBack(Exception):
    """Ends the transaction without committing (a dry run, a preview, or bad rows)."""


# --------------------------------------------------------------------------- warnings


_ROW_WARNING = re.compile(r"Row ([0-9]+): (.+)", re.DOTALL)


def collapse_warnings(warnings: Sequence[str], rows_shown: int = 5) -> tuple[str, ...]:
    """``warnings`` with repeats folded into one line each, in the order each was first given: the same
    sentence many times becomes 'sentence (repeated 3,000 times)', and the same "Row N: sentence" for many rows
    becomes "Rows 2, 5, 9 and 2,997 more: sentence"."""
    times: dict[str, int] = {}
    rows: dict[str, list[str]] = {}
    order: list[tuple[str, str]] = []
    for warning in warnings:
        match = _ROW_WARNING.fullmatch(warning)
        if match:
            rest = match[2]
            if rest not in rows:
                rows[rest] = []
                order.append(("rows", rest))
            rows[rest].append(match[1])
        else:
            if warning not in times:
                times[warning] = 0
                order.append(("same", warning))
            times[warning] += 1
    folded: list[str] = []
    for how, text in order:
        if how == "same":
            count = times[text]
            folded.append(text if count == 1 else f"{text} (repeated {count:,} times)")
            continue
        numbers = rows[text]
        if len(numbers) == 1:
            folded.append(f"Row {numbers[0]}: {text}")
        elif len(numbers) <= rows_shown:
            folded.append(f"Rows {', '.join(numbers[:-1])} and {numbers[-1]}: {text}")
        else:
            more = len(numbers) - rows_shown
            folded.append(f"Rows {', '.join(numbers[:rows_shown])} and {more:,} more: {text}")
    return tuple(folded)


# --------------------------------------------------------------------------- one run over a file


@dataclass
class _Outcome:
    kind: str
    table: Table
    columns: tuple[tuple[str, str | None], ...] = ()
    previews: list[dict[str, str]] = field(default_factory=list)
    row_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0  # progress rows with nothing filled in (a partner update sheet's untouched actions)
    keep_previews: bool = True  # only a preview shows the rows; an import of 20,000 need not copy them all

    def count(self, label: str) -> None:
        self.created[label] = self.created.get(label, 0) + 1


class _Importer:
    """The services of one import, all on the one transaction, and what the file has named so far."""

    def __init__(self, services: Services, unit: UnitOfWork, kind: str, outcome: _Outcome, stack: ExitStack) -> None:
        self.kind = kind
        self.outcome = outcome
        self.lookups = lookups(unit, services.vocabulary, kind)
        self.earlier_rows: dict[str, int] = {}  # a name or title given in the file -> the row that gave it
        # The services' batch entry points: every row checked as their create calls check it, against records
        # read once, and every row written together at the end (``write``) rather than a flush or two a row.
        self.new_records = records.Batch(unit)
        shared = self.new_records
        if kind == "organisations":
            self.new_organisations = stack.enter_context(services.organisations.creating_many(shared))
        elif kind == "needs":
            self.new_needs = stack.enter_context(services.needs.creating_many(shared))
        elif kind == "actions":
            self.new_actions = stack.enter_context(services.actions.creating_many(shared))
            self.new_allocations = stack.enter_context(services.funding.creating_allocations(shared))
        elif kind == "progress":
            self.new_updates = stack.enter_context(services.progress.logging_many(shared))
        elif kind in ("providers", "offers"):
            self.new_support = stack.enter_context(services.support.creating_many(shared))
            # (provider, title) of every live offer, to refuse an offer the directory already has.
            self.offer_keys = {(offer.provider_id, normalise_name(offer.title)) for offer in services.support.offers()}

    def write(self) -> None:
        """Writes every row checked, in the one transaction (which is committed only if nothing was wrong)."""
        self.new_records.write()

    def read_ahead(self, rows: Sequence[dict[str, Cell]]) -> None:
        """Reads at once the records the well-formed rows will be checked against: the actions a progress file
        names (else the first row's check reads every action of the workspace, as a batch does for a name it does
        not know)."""
        if self.kind != "progress":
            return
        named = (self.lookups.actions.get(RowReader(values, self.lookups).text("action")) for values in rows)
        self.new_updates.read_actions(action_id for action_id in named if action_id is not None)

    def row(self, number: int, values: dict[str, Cell], problems: Sequence[str] = ()) -> None:
        if problems:  # the reader found the row itself bad (its shape or its characters): its values mean nothing
            reasons = (problem.strip() for problem in problems)
            self.outcome.row_errors.append(
                f"row {number}: {' '.join(reason if reason.endswith('.') else reason + '.' for reason in reasons)}"
            )
            return
        if self.kind == "progress" and all(is_blank(values.get(column)) for column in PROGRESS_REPORTED):
            # A partner update sheet lists every action of the partner; the ones left blank have no news.
            self.outcome.unchanged += 1
            return
        reader = RowReader(values, self.lookups)
        write = getattr(self, f"_{self.kind}")
        try:
            write(number, reader)
        except (ValidationError, NotFoundError) as error:
            reader.problem(str(error))
        if reader.problems:
            self.outcome.row_errors.append(f"row {number}: {' '.join(reader.problems)}")
        elif self.outcome.keep_previews:
            shown = {column: cell_text(values[column]).strip() for column in KINDS[self.kind] if column in values}
            self.outcome.previews.append(shown)

    def _new_name(self, number: int, reader: RowReader, name: str, what: str, existing: Names) -> None:
        """A row's name or title must be new: not in the workspace, and not on an earlier row of the file."""
        key = normalise_name(name)
        if not key:
            return  # empty, or only invisible characters: the service says it cannot be empty
        earlier = self.earlier_rows.get(key)
        if earlier is not None:
            reader.problem(f'"{name}" is already on row {earlier} of this file; give each {what} only once')
        elif existing.get(name) is not None:
            reader.problem(f'There is already {_article(what)} called "{name}" in this workspace')
        else:
            self.earlier_rows[key] = number

    def _create_named(
        self,
        number: int,
        reader: RowReader,
        name: str,
        what: str,
        existing: Names,
        create: Callable[[], uuid.UUID],
        counted: str,
    ) -> uuid.UUID | None:
        """Creates a row's record once its name is known to be new and the row has no problem; its id (None,
        with nothing created, otherwise), the name then known to later rows and the record counted."""
        self._new_name(number, reader, name, what, existing)
        if reader.problems:
            return None
        created = create()
        existing.add(created, name)
        self.outcome.count(counted)
        return created

    # ------------------------------------------------------------------ one method per kind

    def _organisations(self, number: int, reader: RowReader) -> None:
        name = reader.text("name")
        draft = OrganisationDraft(
            name=name,
            short_name=reader.text("short_name"),
            type_id=reader.term("type", VocabularyKind.ORGANISATION_TYPE),
            sector_id=reader.term("sector", VocabularyKind.SECTOR),
            contact_name=reader.text("contact_name"),
            contact_email=reader.text("contact_email"),
            notes=reader.text("notes"),
        )
        organisation_id = self._create_named(
            number,
            reader,
            name,
            "organisation",
            self.lookups.organisations,
            lambda: self.new_organisations.create(draft),
            ORGANISATIONS,
        )
        if organisation_id is not None and draft.short_name:
            self.lookups.short_names.add(organisation_id, draft.short_name)

    def _needs(self, number: int, reader: RowReader) -> None:
        title = reader.text("title")
        draft = NeedDraft(
            title=title,
            description=reader.text("description"),
            theme_id=reader.theme("theme"),
            organisations=tuple(NeedLinkDraft(org_id) for org_id in reader.organisations("organisations")),
            priority=reader.choice("priority", Priority, "priority"),
            source_id=reader.term("source", VocabularyKind.NEED_SOURCE),
            status=reader.choice("status", NeedStatus, "need status") or NeedStatus.IDENTIFIED,
            identified_on=reader.date("identified_on"),
        )
        self._create_named(
            number, reader, title, "need", self.lookups.needs, lambda: self.new_needs.create(draft), NEEDS
        )

    def _actions(self, number: int, reader: RowReader) -> None:
        title = reader.text("title")
        lead = reader.text("lead_organisation")
        budget = reader.money("budget")
        source_id = reader.funding_source("funding_source")
        draft = ActionDraft(
            title=title,
            description=reader.text("description"),
            type_id=reader.term("type", VocabularyKind.ACTION_TYPE),
            lead_organisation_id=reader.organisation(lead) if lead else None,
            partners=tuple(PartnerDraft(org_id) for org_id in reader.organisations("partners")),
            need_ids=tuple(reader.needs("needs")),
            provider_id=reader.term("provider", VocabularyKind.PROVIDER),
            delivery_level_id=reader.term("delivery_level", VocabularyKind.DELIVERY_LEVEL),
            start_on=reader.date("start"),
            due_on=reader.date("due"),
            status=reader.choice("status", ActionStatus, "action status") or ActionStatus.PROPOSED,
            percent_complete=reader.percent("percent_complete") or 0,
            budget_pence=budget,
            owner_name=reader.text("owner"),
            owner_email=reader.text("owner_email"),
            owner_phone=reader.text("owner_phone"),
        )
        action_id = self._create_named(
            number, reader, title, "action", self.lookups.actions, lambda: self.new_actions.create(draft), ACTIONS
        )
        if action_id is not None and source_id is not None:
            if budget:
                self.new_allocations.create(AllocationDraft(action_id, source_id, budget))
                self.outcome.count(ALLOCATIONS)
            else:
                self.outcome.warnings.append(
                    f"Row {number}: the funding source was not recorded, because the action has no budget to "
                    "allocate from it."
                )

    def _providers(self, number: int, reader: RowReader) -> None:
        name = reader.text("name")
        draft = ProviderDraft(
            name=name,
            kind_id=reader.term("kind", VocabularyKind.PROVIDER),
            region=reader.text("region"),
            website=reader.text("website"),
            contact_name=reader.text("contact_name"),
            contact_email=reader.text("contact_email"),
            notes=reader.text("notes"),
        )
        self._create_named(
            number,
            reader,
            name,
            "provider",
            self.lookups.providers,
            lambda: self.new_support.create_provider(draft),
            PROVIDERS,
        )

    def _offers(self, number: int, reader: RowReader) -> None:
        provider_id = reader.provider("provider")
        title = reader.text("title")
        support_type_id = reader.term("support_type", VocabularyKind.SUPPORT_TYPE)
        theme_ids = tuple(reader.themes("themes"))
        delivery_level_id = reader.term("delivery_level", VocabularyKind.DELIVERY_LEVEL)
        cost = reader.money("typical_cost")
        days = reader.whole_number("duration_days")
        key = normalise_name(title)
        if provider_id is not None and key:
            earlier = self.earlier_rows.get(f"{provider_id}:{key}")
            if earlier is not None:
                reader.problem(f'"{title}" from {reader.text("provider")} is already on row {earlier} of this file')
            elif (provider_id, key) in self.offer_keys:
                reader.problem(f'{reader.text("provider")} already has an offer called "{title}" in this workspace')
            else:
                self.earlier_rows[f"{provider_id}:{key}"] = number
        if reader.problems or provider_id is None:
            return
        draft = OfferDraft(
            provider_id=provider_id,
            title=title,
            support_type_id=support_type_id,
            theme_ids=theme_ids,
            delivery_level_id=delivery_level_id,
            typical_cost_pence=cost,
            duration_days=days,
            eligibility=reader.text("eligibility"),
            url=reader.text("url"),
        )
        self.new_support.create_offer(draft)
        self.outcome.count(OFFERS)

    def _progress(self, number: int, reader: RowReader) -> None:
        author = reader.text("author")
        action_id = reader.action("action")
        if is_blank(reader.values.get("date")):
            reader.problem("Date: enter the date of the update as dd/mm/yyyy, for example 01/04/2008")
        reported_on = reader.date("date")
        percent = reader.percent("percent_complete")
        status = reader.choice("status", ActionStatus, "action status")
        rag = reader.choice("rag", Rag, "RAG rating")
        if reader.problems or action_id is None:
            return
        draft = ProgressDraft(
            action_id=action_id,
            reported_on=reported_on,
            percent_complete=percent,
            status=status,
            rag=rag,
            note=reader.text("note"),
        )
        self.new_updates.log(draft, User(name=author, organisation="") if author else None)
        self.outcome.count(PROGRESS_UPDATES)


def _article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _run(
    services: Services,
    kind: str,
    path: Path,
    *,
    commit: bool,
    progress: Progress | None,
    cancelled: Cancelled | None,
    previews: bool = True,
) -> _Outcome:
    table = read_table(path)
    columns = match_columns(kind, table)
    outcome = _Outcome(kind, table, columns.pairs, warnings=[*table.warnings, *columns.warnings])
    outcome.keep_previews = previews
    total = len(table.rows)
    if progress is not None:
        progress(0, total)
    try:
        with services.context.batch() as unit, ExitStack() as stack:
            importer = _Importer(services, unit, kind, outcome, stack)
            by_column = [
                {
                    column: row.cells[index] if index < len(row.cells) else None
                    for index, column in enumerate(columns.by_index)
                    if column is not None
                }
                for row in table.rows
            ]
            importer.read_ahead([values for row, values in zip(table.rows, by_column, strict=True) if not row.problems])
            for done, (row, values) in enumerate(zip(table.rows, by_column, strict=True), start=1):
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                importer.row(row.number, values, row.problems)
                if progress is not None:
                    progress(done, total)
            if outcome.unchanged:
                plural = "row has" if outcome.unchanged == 1 else "rows have"
                outcome.warnings.append(
                    f"{outcome.unchanged} {plural} nothing filled in beside the action; left as they were."
                )
            if outcome.row_errors:
                raise _RollBack()
            # A dry run writes too (and is then rolled back), so that it fails wherever the import would.
            importer.write()
            if not commit:
                raise _RollBack()
    except _RollBack:
        pass  # the batch rolled everything back and told nobody
    return outcome
