"""Find support: from a need to the support directory's offers that fit it, and the offers that would serve
several partners' needs at once (the seeds' "duplication avoided").

How an offer is judged to fit a need, and the order offers are listed in, is the rule of
``locality.domain.support_fit`` (its docstring says it in full; ``RULE_SUMMARY`` says it in a sentence).

**Duplication avoided.** A need *calls on* the offer ranked first for it when that offer serves the need's own
theme (an offer that only serves a neighbouring theme is no call to commission it), and on any offer a live, not
cancelled action commissioned from it already addresses. When open needs raised by two or more different
organisations call on the same offer, commissioning it once could serve them all: ``find_support`` says so beside
each offer ("Also fits 'X' raised by Y: commissioning once serves both"), and ``shared_offers`` lists every such
offer. A need's *raising organisation* is the organisation linked to it as "Raised by" (else as "Lead", else the
first by name); two needs count as different partners' needs when their raising organisations differ. Only open
needs (identified, agreed, being addressed) are counted; met and closed needs call on nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from locality.domain.errors import NotFoundError
from locality.domain.support import SupportOffer
from locality.domain.support_fit import (
    RULE_SUMMARY,
    Matcher,
    NeedToMatch,
    OfferFit,
    OfferToMatch,
    ThemeFit,
    ThemeTree,
    best_fit,
    ranked_fits,
)
from locality.domain.text import plural
from locality.domain.values import format_money_whole
from locality.domain.vocabulary import OPEN_NEED_STATUSES, NeedRole, NeedStatus, VocabularyKind, normalise_name
from locality.services.actions import ActionDraft, PartnerDraft
from locality.services.context import ServiceContext
from locality.services.support import SupportService
from locality.store import support_matching_queries as queries
from locality.store.models import VocabularyTermRecord
from locality.store.unit_of_work import UnitOfWork

DUPLICATION_DEFINITION = (
    "An offer serves several partners when open needs raised by two or more organisations call on it: it serves "
    "their theme and ranks first for each of them, or an action commissioned from it already addresses them. "
    "Commissioning it once could serve them all."
)

#: The action type a joint action started from an offer takes, by the offer's kind of support. Funding buys no one
#: kind of action, so it sets none; kinds added by users set none either.
ACTION_TYPE_OF_SUPPORT_TYPE = {
    "peer challenge": "Peer challenge or review",
    "mentoring": "Secondment or mentoring",
    "training": "Training and skills",
    "consultancy": "Consultancy or advice",
    "shared service design": "Shared service",
}

_OPEN = frozenset(status.value for status in OPEN_NEED_STATUSES)
_ROLE_ORDER = {NeedRole.RAISED_BY.value: 0, NeedRole.LEAD.value: 1}


# --------------------------------------------------------------------------- values out


@dataclass(frozen=True)
class NeedCalling:
    """Another need that calls on an offer, and who raised it."""

    need_id: uuid.UUID
    title: str
    raised_by: str  # the raising organisation's name; "" when the need has no organisation
    by_action: bool  # an action commissioned from the offer already addresses it (else: the offer ranks first)

    @property
    def label(self) -> str:
        return f"'{self.title}' raised by {self.raised_by}" if self.raised_by else f"'{self.title}'"


@dataclass(frozen=True)
class OfferMatch:
    """An offer listed for a need: the offer's particulars, why it fits, and the other partners' needs it fits."""

    offer_id: uuid.UUID
    title: str
    provider_id: uuid.UUID
    provider_name: str
    provider_kind_id: uuid.UUID | None
    support_type_name: str
    delivery_level_id: uuid.UUID | None
    delivery_level_name: str
    typical_cost_pence: int | None
    duration_days: int | None
    eligibility: str
    url: str
    theme_names: tuple[str, ...]
    theme_fit: ThemeFit
    points: int
    reasons: tuple[str, ...]
    also_fits: tuple[NeedCalling, ...] = ()

    @property
    def why(self) -> str:
        """Why it fits, as one line: "serves Community safety; regional — suits a need shared by 3 partners"."""
        return "; ".join(self.reasons)

    @property
    def duplication_text(self) -> str:
        """What commissioning it once would serve; "" when it fits no other partner's need."""
        return duplication_sentence(self.also_fits)


@dataclass(frozen=True)
class SupportForNeed:
    """The offers listed for one need, best first, with what starting a joint action from one needs to know."""

    need_id: uuid.UUID
    need_title: str
    need_status: NeedStatus
    theme_id: uuid.UUID | None
    theme_name: str
    organisation_names: tuple[str, ...]
    lead_organisation_id: uuid.UUID | None  # who would lead a joint action: the need's lead, else who raised it
    partner_ids: tuple[uuid.UUID, ...]  # the need's other organisations
    raised_by: str
    matches: tuple[OfferMatch, ...]
    offer_count: int  # live, active offers in the directory, listed or not
    rule: str = RULE_SUMMARY

    @property
    def shared_by_text(self) -> str:
        count = len(self.organisation_names)
        if count == 0:
            return "no organisation yet"
        if count == 1:
            return self.organisation_names[0]
        return f"shared by {plural(count, 'organisation')}: " + "; ".join(self.organisation_names)


@dataclass(frozen=True)
class SharedOffer:
    """An offer that open needs of two or more organisations call on."""

    offer_id: uuid.UUID
    title: str
    provider_name: str
    support_type_name: str
    delivery_level_name: str
    typical_cost_pence: int | None
    needs: tuple[NeedCalling, ...]

    @property
    def organisation_count(self) -> int:
        return len({normalise_name(need.raised_by) for need in self.needs if need.raised_by})

    @property
    def needs_text(self) -> str:
        return "; ".join(need.label for need in self.needs)


@dataclass(frozen=True)
class JointActionStart:
    """A new joint action as started from an offer for a need, for the user to complete and save."""

    draft: ActionDraft
    offer_label: str  # "Safer communities peer challenge (IDeA)"


def duplication_sentence(others: Sequence[NeedCalling]) -> str:
    """ "Also fits 'X' raised by Y: commissioning once serves both" (or all of them); "" for none."""
    if not others:
        return ""
    if len(others) == 1:
        return f"Also fits {others[0].label}: commissioning once serves both"
    if len(others) == 2:
        return f"Also fits {others[0].label} and {others[1].label}: commissioning once serves all three"
    rest = len(others) - 1
    return (
        f"Also fits {others[0].label} and {plural(rest, 'other partner need', 'other partners’ needs')}: "
        f"commissioning once serves all {len(others) + 1}"
    )


# --------------------------------------------------------------------------- working it out


@dataclass(frozen=True)
class _NeedFacts:
    row: queries.NeedRow
    links: tuple[queries.NeedOrganisationRow, ...]

    @property
    def raiser(self) -> queries.NeedOrganisationRow | None:
        if not self.links:
            return None
        return min(self.links, key=lambda link: _ROLE_ORDER.get(link.role, 2))  # links come in name order

    @property
    def lead(self) -> queries.NeedOrganisationRow | None:
        leads = [link for link in self.links if link.role == NeedRole.LEAD.value]
        return leads[0] if leads else self.raiser

    def to_match(self) -> NeedToMatch:
        row = self.row
        return NeedToMatch(row.id, row.title, row.description, row.theme_id, len(self.links))


@dataclass(frozen=True)
class _Directory:
    """Everything the matching reads, read in one transaction."""

    tree: ThemeTree
    offers: dict[uuid.UUID, SupportOffer]
    to_match: tuple[OfferToMatch, ...]
    theme_names: dict[uuid.UUID, tuple[str, ...]]
    needs: dict[uuid.UUID, _NeedFacts]
    action_calls: dict[uuid.UUID, set[uuid.UUID]]  # offer id → ids of the needs its actions address


def _read(unit: UnitOfWork, offers: Iterable[SupportOffer], need_id: uuid.UUID | None = None) -> _Directory:
    """What the matching reads: ``offers`` (the directory, as the support service lists it) and, from ``unit``,
    the themes, the open needs (and ``need_id`` whatever its status) with their organisations, and the actions
    commissioned from offers."""
    tree_rows = queries.theme_tree(unit)
    tree = ThemeTree({row[0]: row[1] for row in tree_rows}, {row[0]: row[2] for row in tree_rows})
    by_id = {offer.id: offer for offer in offers}
    uses = queries.completed_uses(unit)
    to_match = tuple(
        OfferToMatch(
            id=offer.id,
            title=offer.title,
            provider_name=offer.provider_name,
            support_type_name=offer.support_type_name,
            delivery_level_name=offer.delivery_level_name,
            theme_ids=frozenset(offer.theme_ids),
            typical_cost_pence=offer.typical_cost_pence,
            completed_uses=uses.get(offer.id, 0),
            active=offer.active and offer.provider_active,
        )
        for offer in by_id.values()
    )
    theme_names = {
        offer.id: tuple(sorted((tree.name(theme) for theme in offer.theme_ids), key=normalise_name))
        for offer in by_id.values()
    }
    links: dict[uuid.UUID, list[queries.NeedOrganisationRow]] = {}
    for link in queries.need_organisations(unit):
        links.setdefault(link.need_id, []).append(link)
    needs = {row.id: _NeedFacts(row, tuple(links.get(row.id, ()))) for row in queries.needs(unit, need_id)}
    action_calls: dict[uuid.UUID, set[uuid.UUID]] = {}
    for offer_id, called_by in queries.offer_needs(unit):
        action_calls.setdefault(offer_id, set()).add(called_by)
    return _Directory(tree, by_id, to_match, theme_names, needs, action_calls)


def _calls(directory: _Directory, offers: Collection[OfferToMatch] | None = None) -> dict[uuid.UUID, list[NeedCalling]]:
    """For each offer, the open needs that call on it (in title order). Given ``offers``, only needs of a theme
    one of them serves are ranked: no other need can call on them by ranking (that takes the need's own theme)."""
    matcher = Matcher(directory.tree, directory.to_match)
    themes = None if offers is None else frozenset().union(*(offer.theme_ids for offer in offers))
    calling: dict[uuid.UUID, dict[uuid.UUID, bool]] = {}  # offer id → need id → by an action
    for facts in directory.needs.values():
        if facts.row.status not in _OPEN or (themes is not None and facts.row.theme_id not in themes):
            continue
        # Only an offer serving the need's own theme can be called on by ranking, and those rank first.
        best = best_fit(matcher.rank(facts.to_match(), own_theme_only=True))
        if best is not None:
            calling.setdefault(best.offer_id, {})[facts.row.id] = False
    for offer_id, addressed in directory.action_calls.items():
        for need_id in addressed:
            found = directory.needs.get(need_id)
            if found is not None and found.row.status in _OPEN:
                calling.setdefault(offer_id, {})[need_id] = True
    result: dict[uuid.UUID, list[NeedCalling]] = {}
    for offer_id, callers_by_id in calling.items():
        callers = []
        for need_id, by_action in callers_by_id.items():
            facts = directory.needs[need_id]
            raiser = facts.raiser
            callers.append(NeedCalling(need_id, facts.row.title, raiser.organisation_name if raiser else "", by_action))
        callers.sort(key=lambda need: (normalise_name(need.title), str(need.need_id)))
        result[offer_id] = callers
    return result


def _different_partners(callers: Iterable[NeedCalling], need_id: uuid.UUID, raised_by: str) -> list[NeedCalling]:
    """The needs among ``callers`` other than ``need_id`` raised by an organisation other than ``raised_by``."""
    return [
        caller
        for caller in callers
        if caller.need_id != need_id
        and caller.raised_by
        and normalise_name(caller.raised_by) != normalise_name(raised_by)
    ]


def _match(directory: _Directory, fit: OfferFit, also_fits: Sequence[NeedCalling]) -> OfferMatch:
    row = directory.offers[fit.offer_id]
    return OfferMatch(
        offer_id=row.id,
        title=row.title,
        provider_id=row.provider_id,
        provider_name=row.provider_name,
        provider_kind_id=row.provider_kind_id,
        support_type_name=row.support_type_name,
        delivery_level_id=row.delivery_level_id,
        delivery_level_name=row.delivery_level_name,
        typical_cost_pence=row.typical_cost_pence,
        duration_days=row.duration_days,
        eligibility=row.eligibility,
        url=row.url,
        theme_names=directory.theme_names.get(row.id, ()),
        theme_fit=fit.theme_fit,
        points=fit.points,
        reasons=fit.reasons,
        also_fits=tuple(also_fits),
    )


class SupportMatchingService:
    def __init__(self, context: ServiceContext, support: SupportService) -> None:
        self._context = context
        self._support = support  # the directory is read as its own service lists it

    def find_support(self, need_id: uuid.UUID) -> SupportForNeed:
        """The active offers that fit the need, best first, each with why it fits and the other partners' open
        needs it would serve too. ``NotFoundError`` when the need is gone."""
        offers = self._support.offers()
        with self._context.read() as unit:
            directory = _read(unit, offers, need_id)
        facts = directory.needs.get(need_id)
        if facts is None:
            raise NotFoundError("That need no longer exists; it may have been deleted by someone else.")
        fits = ranked_fits(directory.tree, facts.to_match(), directory.to_match)
        listed = {fit.offer_id for fit in fits}
        calls = _calls(directory, [offer for offer in directory.to_match if offer.id in listed])
        raiser = facts.raiser
        raised_by = raiser.organisation_name if raiser else ""
        matches = tuple(
            _match(directory, fit, _different_partners(calls.get(fit.offer_id, ()), need_id, raised_by)) for fit in fits
        )
        lead = facts.lead
        lead_id = lead.organisation_id if lead else None
        theme_name = directory.tree.name(facts.row.theme_id) if facts.row.theme_id else ""
        return SupportForNeed(
            need_id=need_id,
            need_title=facts.row.title,
            need_status=NeedStatus(facts.row.status),
            theme_id=facts.row.theme_id,
            theme_name=theme_name,
            organisation_names=tuple(link.organisation_name for link in facts.links),
            lead_organisation_id=lead_id,
            partner_ids=tuple(link.organisation_id for link in facts.links if link.organisation_id != lead_id),
            raised_by=raised_by,
            matches=matches,
            offer_count=sum(1 for offer in directory.to_match if offer.active),
        )

    def shared_offers(self) -> list[SharedOffer]:
        """The offers that open needs of two or more organisations call on (see the module's definition), those
        serving most organisations first."""
        offers = self._support.offers()
        with self._context.read() as unit:
            directory = _read(unit, offers)
        shared: list[SharedOffer] = []
        for offer_id, callers in _calls(directory).items():
            raisers = {normalise_name(caller.raised_by) for caller in callers if caller.raised_by}
            if len(raisers) < 2:
                continue
            row = directory.offers[offer_id]
            shared.append(
                SharedOffer(
                    offer_id=offer_id,
                    title=row.title,
                    provider_name=row.provider_name,
                    support_type_name=row.support_type_name,
                    delivery_level_name=row.delivery_level_name,
                    typical_cost_pence=row.typical_cost_pence,
                    needs=tuple(callers),
                )
            )
        shared.sort(
            key=lambda offer: (
                -offer.organisation_count,
                normalise_name(offer.provider_name),
                normalise_name(offer.title),
            )
        )
        return shared

    def joint_action(self, support: SupportForNeed, match: OfferMatch) -> JointActionStart:
        """A joint action commissioned from ``match`` for ``support``'s need: titled after both, the need linked,
        led by the need's lead (else who raised it) with its other organisations as partners, the need's theme,
        the offer's delivery level, its provider's kind as the provider, the action type its kind of support
        maps to (``ACTION_TYPE_OF_SUPPORT_TYPE``), the offer recorded and its typical cost as the budget."""
        wanted_type = ACTION_TYPE_OF_SUPPORT_TYPE.get(normalise_name(match.support_type_name))
        type_id: uuid.UUID | None = None
        if wanted_type is not None:
            with self._context.read() as unit:
                found = unit.find_by_name(
                    VocabularyTermRecord, wanted_type, where={"kind": VocabularyKind.ACTION_TYPE.value}
                )
                type_id = found[0].id if found else None
        offer_label = f"{match.title} ({match.provider_name})"
        description = f"Commissioned from {offer_label} for the need \u201c{support.need_title}\u201d."
        if match.typical_cost_pence is not None:
            description += f" Typical cost {format_money_whole(match.typical_cost_pence)}."
        if match.also_fits:
            description += f" {match.duplication_text}."
        title = f"{match.title} \u2014 {support.need_title}"
        draft = ActionDraft(
            title=title[:300],
            description=description,
            theme_id=support.theme_id,
            type_id=type_id,
            delivery_level_id=match.delivery_level_id,
            provider_id=match.provider_kind_id,
            offer_id=match.offer_id,
            lead_organisation_id=support.lead_organisation_id,
            budget_pence=match.typical_cost_pence,
            partners=tuple(PartnerDraft(partner) for partner in support.partner_ids),
            need_ids=(support.need_id,),
        )
        return JointActionStart(draft, offer_label)
