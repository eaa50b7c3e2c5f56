"""The workshop record: a workshop kept as evidence for the partnership's files, as DOCX or PDF — who came (by
organisation), the needs raised by theme, the votes and ranking, and the actions agreed.

Its content is put into the board paper's plain blocks (``board_paper.Title``, ``Heading``, ``Text``, ``Table``)
once, and laid out by the board paper's Word and PDF block renderers, so it looks like the partnership's other
papers (A4 landscape, Arial/Helvetica, "Page N of M").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from locality.domain.errors import ValidationError
from locality.domain.text import plural
from locality.domain.values import format_date
from locality.exchange.board_paper import Block, Heading, Table, TableColumn, Text, Title
from locality.exchange.render_progress import Ticker
from locality.services.workshops import NO_ORGANISATION, WorkshopRecordData

RecordFormat = Literal["docx", "pdf"]
FORMATS: tuple[RecordFormat, ...] = ("docx", "pdf")
TITLE = "Workshop record"
WHO_CAME = "Who came"
NEEDS_RAISED = "Needs raised, by theme"
VOTES = "Votes and ranking"
AGREED = "Agreed actions"
NEW_NEED = "New need"
EXISTING_NEED = "Same as an existing need"


def _facts(data: WorkshopRecordData) -> list[Block]:
    workshop = data.workshop
    held = f"Held on {format_date(workshop.held_on)}" if workshop.held_on else "Date not recorded"
    where = f"at {workshop.venue}" if workshop.venue else ""
    facilitator = f"facilitated by {workshop.facilitator}" if workshop.facilitator else ""
    blocks: list[Block] = [
        Text(" ".join(part for part in (held, where) if part) + (f", {facilitator}" if facilitator else "") + ".")
    ]
    if workshop.purpose:
        blocks.append(Text(f"Purpose: {workshop.purpose}"))
    organisations = {person.organisation_name or NO_ORGANISATION for person in data.participants}
    notes = sum(len(column.notes) for column in data.notes_by_theme)
    dots = sum(row.total_dots for row in data.tally)
    summary = [
        f"{plural(len(data.participants), 'participant')} from {plural(len(organisations), 'organisation')}",
        f"{plural(notes, 'need')} raised",
        f"{plural(dots, 'dot')} placed ({plural(workshop.dots_per_participant, 'dot')} each)",
        f"{plural(len(data.agreed_actions), 'action')} agreed",
    ]
    blocks.append(Text(" · ".join(summary), strong=True))
    if workshop.notes:
        blocks.append(Text(workshop.notes))
    return blocks


def _who_came(data: WorkshopRecordData) -> list[Block]:
    blocks: list[Block] = [Heading(WHO_CAME, 0)]
    if not data.participants:
        return [*blocks, Text("No participants were recorded.")]
    people: dict[str, list[str]] = {}
    for person in data.participants:
        people.setdefault(person.organisation_name or NO_ORGANISATION, []).append(person.name)
    # Organisations by name, people without one last.
    order = sorted(people, key=lambda name: (name == NO_ORGANISATION, name.casefold()))
    rows = tuple((name, ", ".join(sorted(people[name], key=str.casefold)), f"{len(people[name]):,}") for name in order)
    columns = (TableColumn("Organisation", 3), TableColumn("Participants", 6), TableColumn("People", 1, right=True))
    return [*blocks, Table(columns, rows, width=0.75)]


def _needs_raised(data: WorkshopRecordData) -> list[Block]:
    blocks: list[Block] = [Heading(NEEDS_RAISED, 0)]
    if not data.notes_by_theme:
        return [*blocks, Text("No needs were raised.")]
    columns = (
        TableColumn("Need", 6),
        TableColumn("Raised by", 3),
        TableColumn("Recorded as", 2),
        TableColumn("Dots", 1, right=True),
    )
    for column in data.notes_by_theme:
        rows = tuple(
            (
                note.title,
                note.organisation_name,
                EXISTING_NEED if note.linked_existing else NEW_NEED,
                f"{note.dots:,}",
            )
            for note in column.notes
        )
        blocks += [Heading(f"{column.theme_name} ({plural(len(rows), 'need')})", 1), Table(columns, rows)]
    return blocks


def _votes(data: WorkshopRecordData) -> list[Block]:
    blocks: list[Block] = [Heading(VOTES, 0)]
    if not data.tally:
        return [*blocks, Text("No dots were placed.")]
    columns = (
        TableColumn("Rank", 1, right=True),
        TableColumn("Need", 6),
        TableColumn("Dots", 1, right=True),
        TableColumn("Dots by organisation", 5),
    )
    rows = tuple(
        (
            f"{row.rank}",
            row.need_title,
            f"{row.total_dots:,}",
            ", ".join(f"{part.organisation_name} {part.dots:,}" for part in row.by_organisation),
        )
        for row in data.tally
    )
    # The sentence after the table: a heading keeps with the table that follows it, not with a sentence.
    explained = Text(
        "Needs by the dots placed on them, clicked for a participant or counted from the paper wall; needs with "
        "equal dots share a rank."
    )
    return [*blocks, Table(columns, rows), explained]


def _agreed(data: WorkshopRecordData) -> list[Block]:
    blocks: list[Block] = [Heading(AGREED, 0)]
    if not data.agreed_actions:
        return [*blocks, Text("No actions were agreed.")]
    columns = (
        TableColumn("Action", 5),
        TableColumn("Lead", 3),
        TableColumn("Due", 1.5),
        TableColumn("Needs addressed", 5),
    )
    rows = tuple(
        (
            action.title,
            action.lead_organisation_name,
            format_date(action.due_on) if action.due_on else "",
            "; ".join(action.need_titles),
        )
        for action in data.agreed_actions
    )
    return [*blocks, Table(columns, rows)]


def record_blocks(data: WorkshopRecordData, produced_on: date) -> list[Block]:
    """The record, block by block."""
    subtitle = f"{data.workshop.title} – {data.partnership_name}" if data.partnership_name else data.workshop.title
    return [
        Title(TITLE, subtitle),
        *_facts(data),
        Text(f"Record produced on {format_date(produced_on)}."),
        *_who_came(data),
        *_needs_raised(data),
        *_votes(data),
        *_agreed(data),
    ]


def write_workshop_record(
    data: WorkshopRecordData, path: Path | str, format: str, *, produced_on: date | None = None
) -> Path:
    """Writes the record to ``path`` as ``format`` ("docx" or "pdf"); the file is replaced only once the whole
    record is written. Returns the path written."""
    chosen = format.strip().lower().lstrip(".")
    if chosen not in FORMATS:
        raise ValidationError(
            {"format": f'"{format.strip()}" is not a format for the workshop record; use docx or pdf'}
        )
    target = Path(path).expanduser()
    produced_on = produced_on or date.today()
    blocks = record_blocks(data, produced_on)
    label = f"{TITLE} – {data.workshop.title}"
    ticker = Ticker(None, None, 1)
    if chosen == "docx":
        from locality.exchange.board_paper_docx import write_blocks
        from locality.exchange.render_docx import DocxWriter

        writer = DocxWriter(
            label=label, subject=TITLE, author=data.partnership_name, produced_on=produced_on, ticker=ticker
        )
        writer.landscape_from_start()
        write_blocks(writer, blocks)
        writer.save(target)
    else:
        from locality.exchange.board_paper_pdf import block_flowables
        from locality.exchange.pdf_document import write_document
        from locality.exchange.pdf_text import clean_text

        story = block_flowables(blocks, ticker)
        write_document(
            story, target, title=clean_text(label), author=data.partnership_name, subject=TITLE, ticker=ticker
        )
    return target
