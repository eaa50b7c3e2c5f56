"""A small support directory built through the support service, for tests of what reads it (Find support):
names of kinds, levels, support types and themes in, ids out; and a hand-built partnership with one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from locality.domain.support import OfferDraft, ProviderDraft
from locality.domain.vocabulary import ActionStatus, NeedRole, NeedStatus, VocabularyKind
from locality.services.actions import ActionDraft
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
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


class Partnership:
    """Four partners, five needs and a small directory (see each test for what it relies on)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        build = DirectoryBuilder(services)
        organisations = services.organisations
        self.council_a = organisations.create(OrganisationDraft("Council A")).id
        self.council_b = organisations.create(OrganisationDraft("Council B")).id
        self.police = organisations.create(OrganisationDraft("Police")).id
        self.health = organisations.create(OrganisationDraft("Health Trust")).id
        safety = build.themes["Community safety"]
        housing = build.themes["Housing"]

        def need(title: str, theme: uuid.UUID, *links: tuple[uuid.UUID, NeedRole], status: NeedStatus) -> uuid.UUID:
            draft = NeedDraft(
                title, theme_id=theme, status=status, organisations=tuple(NeedLinkDraft(o, r) for o, r in links)
            )
            return services.needs.create(draft).id

        identified = NeedStatus.IDENTIFIED
        self.shared_need = need(
            "Safer streets at night",
            safety,
            (self.council_a, NeedRole.RAISED_BY),
            (self.police, NeedRole.SHARES),
            status=identified,
        )
        self.other_partner_need = need(
            "Wardens on estates", safety, (self.council_b, NeedRole.RAISED_BY), status=identified
        )
        self.same_raiser_need = need(
            "Street lighting audit", safety, (self.council_a, NeedRole.RAISED_BY), status=identified
        )
        self.met_need = need("Old safety need", safety, (self.health, NeedRole.RAISED_BY), status=NeedStatus.MET)
        self.housing_need = need("Empty homes", housing, (self.health, NeedRole.LEAD), status=identified)

        idea = build.provider("IDeA")
        rip = build.provider("South West RIEP", "Regional improvement partnership")
        retired = build.provider("Closed agency", "Other", active=False)
        self.exact = build.offer(
            idea,
            "Safer communities peer challenge",
            ["Community safety"],
            level="Sub-regional",
            support_type="Peer challenge",
            url="https://www.idea.gov.uk/safer-communities",
            cost_pence=1_200_000,
            duration_days=5,
        )
        self.parent = build.offer(rip, "Service improvement diagnostic", ["Service improvement"], level="Regional")
        self.elsewhere = build.offer(rip, "Leadership academy", ["Leadership and governance"], level="Sub-regional")
        self.inactive = build.offer(idea, "Old safety toolkit", ["Community safety"], active=False)
        self.retired_provider = build.offer(retired, "Safety advice", ["Community safety"])
        # A completed action bought the diagnostic (a track record), and an open one addresses the housing need.
        actions = services.actions
        actions.create(
            ActionDraft(
                "Diagnostic of children's services",
                offer_id=self.parent,
                status=ActionStatus.COMPLETED,
                percent_complete=100,
                start_on=date(2007, 1, 1),
                completed_on=date(2008, 1, 31),
            )
        )
        actions.create(ActionDraft("Empty homes diagnostic", offer_id=self.parent, need_ids=(self.housing_need,)))
