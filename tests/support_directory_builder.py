"""A small support directory built through the support service, for tests of what reads it (Find support):
names of kinds, levels, support types and themes in, ids out."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from locality.domain.support import OfferDraft, ProviderDraft
from locality.domain.vocabulary import VocabularyKind
from locality.services.registry import Services


class DirectoryBuilder:
    def __init__(self, services: Services) -> None:
        self.services = services
        vocabulary = services.vocabulary
        self.themes = {theme.name: theme.id for theme in vocabulary.themes()}
        self.levels = {term.name: term.id for term in vocabulary.terms(VocabularyKind.DELIVERY_LEVEL)}
        self.types = {term.name: term.id for term in vocabulary.terms(VocabularyKind.SUPPORT_TYPE)}
        self.kinds = {term.name: term.id for term in vocabulary.terms(VocabularyKind.PROVIDER)}

    def provider(self, name: str, kind: str = "IDeA", *, active: bool = True) -> uuid.UUID:
        return self.services.support.create_provider(ProviderDraft(name, self.kinds[kind], active=active)).id

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
        draft = OfferDraft(
            provider_id=provider_id,
            title=title,
            support_type_id=self.types[support_type],
            delivery_level_id=self.levels[level],
            theme_ids=tuple(self.themes[theme] for theme in themes),
            typical_cost_pence=cost_pence,
            duration_days=duration_days,
            url=url,
            active=active,
        )
        return self.services.support.create_offer(draft).id
