"""A small support directory written straight into a workspace for tests of what reads it (Find support), so
they do not wait on the directory's own editing service. Records are created as any service creates them
(``records.create``: logged, versioned)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from locality.domain.entities import Entity
from locality.domain.vocabulary import VocabularyKind
from locality.services import records
from locality.services.registry import Services
from locality.store.models import SupportOfferRecord, SupportOfferThemeRecord, SupportProviderRecord


class DirectoryBuilder:
    def __init__(self, services: Services) -> None:
        self.services = services
        vocabulary = services.vocabulary
        self.themes = {theme.name: theme.id for theme in vocabulary.themes()}
        self.levels = {term.name: term.id for term in vocabulary.terms(VocabularyKind.DELIVERY_LEVEL)}
        self.types = {term.name: term.id for term in vocabulary.terms(VocabularyKind.SUPPORT_TYPE)}
        self.kinds = {term.name: term.id for term in vocabulary.terms(VocabularyKind.PROVIDER)}

    def provider(self, name: str, kind: str = "IDeA", *, active: bool = True) -> uuid.UUID:
        with self.services.context.edit(Entity.SUPPORT_PROVIDER) as unit:
            record = records.create(
                unit,
                SupportProviderRecord(name=name, kind_id=self.kinds[kind], active=active),
                ("name", "kind_id", "active"),
            )
            return record.id

    def offer(
        self,
        provider_id: uuid.UUID,
        title: str,
        themes: Iterable[str],
        *,
        level: str = "National",
        support_type: str = "Consultancy",
        cost_pence: int | None = None,
        duration_days: int | None = None,
        url: str = "",
        active: bool = True,
    ) -> uuid.UUID:
        with self.services.context.edit(Entity.SUPPORT_OFFER, Entity.SUPPORT_OFFER_THEME) as unit:
            record = records.create(
                unit,
                SupportOfferRecord(
                    provider_id=provider_id,
                    title=title,
                    support_type_id=self.types[support_type],
                    delivery_level_id=self.levels[level],
                    typical_cost_pence=cost_pence,
                    duration_days=duration_days,
                    url=url,
                    active=active,
                ),
                ("provider_id", "title", "support_type_id", "delivery_level_id", "typical_cost_pence", "active"),
            )
            unit.flush()
            for theme in themes:
                records.create(
                    unit,
                    SupportOfferThemeRecord(offer_id=record.id, theme_id=self.themes[theme]),
                    ("offer_id", "theme_id"),
                )
            return record.id
