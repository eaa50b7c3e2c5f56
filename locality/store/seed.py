"""The vocabulary every new workspace starts with (DESIGN.md, from the LGA's improvement strategy paper)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from locality.domain.vocabulary import (
    SEEDED_FUNDING_SOURCES,
    SEEDED_THEMES,
    SEEDED_VOCABULARY,
    seeded_id,
)
from locality.store.models import FundingSourceRecord, ThemeRecord, VocabularyTermRecord


def seed_vocabulary(session: Session) -> None:
    for order, (name, colour, children) in enumerate(SEEDED_THEMES):
        parent = ThemeRecord(id=seeded_id("theme", name), name=name, colour=colour, sort_order=order * 100)
        session.add(parent)
        for child_order, child in enumerate(children, start=1):
            session.add(
                ThemeRecord(
                    id=seeded_id("theme", child),
                    name=child,
                    parent_id=parent.id,
                    colour=colour,
                    sort_order=order * 100 + child_order,
                )
            )
    for kind, names in SEEDED_VOCABULARY.items():
        for order, name in enumerate(names):
            session.add(VocabularyTermRecord(id=seeded_id(kind, name), kind=kind.value, name=name, sort_order=order))
    for order, name in enumerate(SEEDED_FUNDING_SOURCES):
        session.add(FundingSourceRecord(id=seeded_id("funding_source", name), name=name, sort_order=order))
