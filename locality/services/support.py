"""The support directory: providers of improvement support and their offers (issue 16).

Provider names are unique, and an offer's title is unique among its provider's offers; both are also natural keys
in the schema, so that two copies that each added "IDeA" merge into one provider. A deleted provider or offer
keeps its name in its tombstone: adding one of that name again brings the deleted record back with the new
values rather than making a second record the schema would refuse.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from locality.domain.entities import Entity
from locality.domain.errors import DuplicateError, ValidationError
from locality.domain.support import (
    MAX_DURATION_DAYS,
    OfferDraft,
    ProviderDraft,
    SupportOffer,
    SupportProvider,
    web_address,
)
from locality.domain.values import MAX_PENCE, require_text, strip_invisible, validate_email
from locality.domain.vocabulary import VocabularyKind, normalise_name
from locality.services import records
from locality.services.context import ServiceContext
from locality.services.vocabulary import check_term, term_names
from locality.store.models import (
    SupportOfferRecord,
    SupportOfferThemeRecord,
    SupportProviderRecord,
    ThemeRecord,
)
from locality.store.unit_of_work import UnitOfWork

PROVIDER = Entity.SUPPORT_PROVIDER
OFFER = Entity.SUPPORT_OFFER
OFFER_THEME = Entity.SUPPORT_OFFER_THEME
ALL_ENTITIES = (PROVIDER, OFFER, OFFER_THEME)

PROVIDER_FIELDS = ("name", "kind_id", "region", "website", "contact_name", "contact_email", "notes", "active")
OFFER_FIELDS = (
    "provider_id",
    "title",
    "support_type_id",
    "delivery_level_id",
    "typical_cost_pence",
    "duration_days",
    "eligibility",
    "url",
    "notes",
    "active",
)
OFFER_THEME_FIELDS = ("offer_id", "theme_id")


@dataclass(frozen=True)
class DeletedSupport:
    """What a delete removed (providers, and offers deleted on their own), so that it can be undone."""

    provider_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    offer_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- validation


def _validated_provider(
    lookup: records.Lookup, draft: ProviderDraft, existing_id: uuid.UUID | None
) -> dict[str, object]:
    """The record values ``draft`` asks for; every field's error at once if any is wrong."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    try:
        values["name"] = require_text(draft.name, "name", "Name", max_length=200)
    except ValidationError as error:
        errors.update(error.field_errors)
    try:
        values["contact_email"] = validate_email(draft.contact_email) or ""
    except ValidationError as error:
        errors.update(error.field_errors)
    try:
        values["website"] = web_address(draft.website, "website", "The website")
    except ValidationError as error:
        errors.update(error.field_errors)
    for name, label, limit in (("region", "Region", 200), ("contact_name", "Contact name", 200)):
        if len(strip_invisible(str(getattr(draft, name) or ""))) > limit:
            errors[name] = f"{label} is too long; keep it to {limit} characters"
    check_term(lookup, VocabularyKind.PROVIDER, draft.kind_id, "kind_id", errors)
    if "name" in values:
        clashes = [
            row for row in lookup.find_by_name(SupportProviderRecord, str(values["name"])) if row.id != existing_id
        ]
        if clashes:
            errors["name"] = f'There is already a provider called "{clashes[0].name}"'
    if errors:
        if set(errors) == {"name"} and "already" in errors["name"]:
            raise DuplicateError(errors)
        raise ValidationError(errors)
    region = strip_invisible(draft.region or "")
    values.update(
        kind_id=draft.kind_id,
        region=region or None,
        contact_name=strip_invisible(draft.contact_name or ""),
        notes=(draft.notes or "").strip(),
        active=bool(draft.active),
    )
    return values


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validated_offer(
    lookup: records.Lookup, draft: OfferDraft, existing_id: uuid.UUID | None
) -> tuple[dict[str, object], builtins.list[uuid.UUID]]:
    """The record values and theme ids ``draft`` asks for; every field's error at once if any is wrong."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    try:
        values["title"] = require_text(draft.title, "title", "Title", max_length=300)
    except ValidationError as error:
        errors.update(error.field_errors)
    provider = lookup.get(SupportProviderRecord, draft.provider_id, include_deleted=True)
    if provider is None:
        errors["provider_id"] = "Choose the provider from the directory"
    elif provider.deleted_at is not None:
        errors["provider_id"] = f"{provider.name} has been deleted from the directory; choose another provider"
    check_term(lookup, VocabularyKind.SUPPORT_TYPE, draft.support_type_id, "support_type_id", errors)
    check_term(lookup, VocabularyKind.DELIVERY_LEVEL, draft.delivery_level_id, "delivery_level_id", errors)
    theme_ids = builtins.list(dict.fromkeys(draft.theme_ids))
    found = {row.id for row in lookup.by_ids(ThemeRecord, theme_ids) if row.deleted_at is None}
    if any(theme_id not in found for theme_id in theme_ids):
        errors["theme_ids"] = "Choose the themes from the list"
    cost = draft.typical_cost_pence
    if cost is not None:
        if not _whole(cost) or cost > MAX_PENCE:
            errors["typical_cost_pence"] = "The typical cost must be an amount in pounds and pence"
        elif cost < 0:
            errors["typical_cost_pence"] = "The typical cost cannot be negative"
    days = draft.duration_days
    if days is not None and (not _whole(days) or not 0 < days <= MAX_DURATION_DAYS):
        errors["duration_days"] = f"The duration must be a whole number of days from 1 to {MAX_DURATION_DAYS:,}"
    try:
        values["url"] = web_address(draft.url, "url")
    except ValidationError as error:
        errors.update(error.field_errors)
    if "title" in values and provider is not None:
        clashes = [
            row
            for row in lookup.find_by_name(SupportOfferRecord, str(values["title"]), column="title")
            if row.provider_id == draft.provider_id and row.id != existing_id
        ]
        if clashes:
            errors["title"] = f'{provider.name} already has an offer called "{clashes[0].title}"'
    if errors:
        if set(errors) == {"title"} and "already" in errors["title"]:
            raise DuplicateError(errors)
        raise ValidationError(errors)
    values.update(
        provider_id=draft.provider_id,
        support_type_id=draft.support_type_id,
        delivery_level_id=draft.delivery_level_id,
        typical_cost_pence=cost,
        duration_days=days,
        eligibility=(draft.eligibility or "").strip(),
        notes=(draft.notes or "").strip(),
        active=bool(draft.active),
    )
    return values, theme_ids


# --------------------------------------------------------------------------- reading


class _Names:
    """What turning records into directory entries needs, read once for a whole list."""

    def __init__(self, unit: UnitOfWork) -> None:
        self.terms = term_names(unit)
        themes = unit.list(ThemeRecord, include_deleted=True)
        by_id = {row.id: row for row in themes}
        self.theme_names: dict[uuid.UUID, str] = {}
        self.theme_order: dict[uuid.UUID, int] = {}
        for row in themes:
            parent = by_id.get(row.parent_id) if row.parent_id else None
            self.theme_names[row.id] = f"{parent.name}: {row.name}" if parent else row.name
            self.theme_order[row.id] = row.sort_order
        self.providers = {row.id: row for row in unit.list(SupportProviderRecord, include_deleted=True)}
        self.themes_of: dict[uuid.UUID, builtins.list[uuid.UUID]] = {}
        for link in unit.list(SupportOfferThemeRecord):
            self.themes_of.setdefault(link.offer_id, []).append(link.theme_id)

    def term(self, term_id: uuid.UUID | None) -> str:
        return self.terms.get(term_id, "") if term_id else ""


def _provider(record: SupportProviderRecord, names: _Names, offer_count: int) -> SupportProvider:
    return SupportProvider(
        id=record.id,
        version=record.version,
        name=record.name,
        kind_id=record.kind_id,
        kind_name=names.term(record.kind_id),
        region=record.region or "",
        website=record.website,
        contact_name=record.contact_name,
        contact_email=record.contact_email,
        notes=record.notes,
        active=record.active,
        offer_count=offer_count,
    )


def _offer(record: SupportOfferRecord, names: _Names) -> SupportOffer:
    provider = names.providers.get(record.provider_id)
    theme_ids = sorted(names.themes_of.get(record.id, ()), key=lambda theme_id: names.theme_order.get(theme_id, 0))
    return SupportOffer(
        id=record.id,
        version=record.version,
        provider_id=record.provider_id,
        provider_name=provider.name if provider else "",
        provider_kind_id=provider.kind_id if provider else None,
        provider_kind_name=names.term(provider.kind_id) if provider else "",
        provider_active=bool(provider and provider.active),
        title=record.title,
        support_type_id=record.support_type_id,
        support_type_name=names.term(record.support_type_id),
        delivery_level_id=record.delivery_level_id,
        delivery_level_name=names.term(record.delivery_level_id),
        theme_ids=tuple(theme_ids),
        theme_names=tuple(names.theme_names.get(theme_id, "") for theme_id in theme_ids),
        typical_cost_pence=record.typical_cost_pence,
        duration_days=record.duration_days,
        eligibility=record.eligibility,
        url=record.url,
        notes=record.notes,
        active=record.active,
    )


def _offer_counts(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    counts: dict[uuid.UUID, int] = {}
    for offer in unit.list(SupportOfferRecord):
        counts[offer.provider_id] = counts.get(offer.provider_id, 0) + 1
    return counts


# --------------------------------------------------------------------------- writing


def _tombstone_holding(unit: UnitOfWork, model: type[Any], where: dict[str, Any]) -> Any | None:
    """The deleted record holding a natural key (the schema keeps it unique, tombstones included), if any."""
    for row in unit.list(model, where, include_deleted=True):
        if row.deleted_at is not None:
            return row
    return None


def _save_offer_themes(unit: UnitOfWork, offer_id: uuid.UUID, theme_ids: Iterable[uuid.UUID]) -> bool:
    wanted: builtins.list[tuple[uuid.UUID, dict[str, object]]] = [(theme_id, {}) for theme_id in theme_ids]
    return records.replace_links(
        unit, SupportOfferThemeRecord, {"offer_id": offer_id}, "theme_id", wanted, OFFER_THEME_FIELDS
    )


def _free_name(unit: UnitOfWork, model: type[Any], where: dict[str, Any], column: str, keep: uuid.UUID) -> None:
    """Renames a deleted record that holds the natural key a live record is being renamed to, so that the
    rename is not refused by the schema; the tombstone keeps a name that says what it was."""
    held = _tombstone_holding(unit, model, where)
    if held is not None and held.id != keep:
        records.update(unit, held, {column: f"{getattr(held, column)} (deleted {str(held.id)[:8]})"})
        unit.flush()


class SupportBatch:
    """Creates many providers and offers in one transaction (an import), each checked exactly as the service's
    ``create_provider`` and ``create_offer`` check it (a name taken earlier in the batch is taken). Get one from
    ``SupportService.creating_many``."""

    def __init__(self, batch: records.Batch) -> None:
        self._batch = batch

    def create_provider(self, draft: ProviderDraft) -> uuid.UUID:
        values = _validated_provider(self._batch.known, draft, None)
        unit = self._batch.known.unit
        revived = _tombstone_holding(unit, SupportProviderRecord, {"name": values["name"]})
        if revived is not None:
            records.restore(unit, [revived])
            self._batch.rows.update(revived, values)
            self._batch.known.add_row(SupportProviderRecord, {"id": revived.id, **values})
            provider_id: uuid.UUID = revived.id
            return provider_id
        row = self._batch.rows.create(SupportProviderRecord, values, PROVIDER_FIELDS)
        self._batch.known.add_row(SupportProviderRecord, row)
        created: uuid.UUID = row["id"]
        return created

    def create_offer(self, draft: OfferDraft) -> uuid.UUID:
        values, theme_ids = _validated_offer(self._batch.known, draft, None)
        unit = self._batch.known.unit
        revived = _tombstone_holding(
            unit, SupportOfferRecord, {"provider_id": draft.provider_id, "title": values["title"]}
        )
        if revived is not None:
            records.restore(unit, [revived])
            self._batch.rows.update(revived, values)
            _save_offer_themes(unit, revived.id, theme_ids)
            self._batch.known.add_row(SupportOfferRecord, {"id": revived.id, **values})
            offer_id: uuid.UUID = revived.id
            return offer_id
        row = self._batch.rows.create(SupportOfferRecord, values, OFFER_FIELDS)
        self._batch.known.add_row(SupportOfferRecord, row)
        for theme_id in theme_ids:
            self._batch.rows.create(
                SupportOfferThemeRecord, {"offer_id": row["id"], "theme_id": theme_id}, OFFER_THEME_FIELDS
            )
        created: uuid.UUID = row["id"]
        return created


class SupportService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # ------------------------------------------------------------------ providers

    def providers(self, *, include_inactive: bool = True) -> builtins.list[SupportProvider]:
        """Every provider A to Z, with how many offers each has."""
        with self._context.read() as unit:
            names = _Names(unit)
            counts = _offer_counts(unit)
            rows = unit.list(SupportProviderRecord)
            rows.sort(key=lambda row: normalise_name(row.name))
            return [_provider(row, names, counts.get(row.id, 0)) for row in rows if include_inactive or row.active]

    def provider(self, provider_id: uuid.UUID) -> SupportProvider:
        with self._context.read() as unit:
            record = records.require(unit, SupportProviderRecord, provider_id, "provider")
            return _provider(record, _Names(unit), unit.count(SupportOfferRecord, {"provider_id": provider_id}))

    def find_provider(self, name: str) -> SupportProvider | None:
        """The provider called ``name``, ignoring case and spaces."""
        if not name.strip():
            return None
        with self._context.read() as unit:
            found = unit.find_by_name(SupportProviderRecord, name)
            if not found:
                return None
            return _provider(found[0], _Names(unit), unit.count(SupportOfferRecord, {"provider_id": found[0].id}))

    def create_provider(self, draft: ProviderDraft) -> SupportProvider:
        with self._context.edit(PROVIDER) as unit:
            values = _validated_provider(unit, draft, None)
            revived = _tombstone_holding(unit, SupportProviderRecord, {"name": values["name"]})
            if revived is not None:
                records.restore(unit, [revived])
                records.update(unit, revived, values)
                record = revived
            else:
                record = records.create(unit, SupportProviderRecord(**values), PROVIDER_FIELDS)
            unit.flush()
            return _provider(record, _Names(unit), unit.count(SupportOfferRecord, {"provider_id": record.id}))

    def update_provider(
        self, provider_id: uuid.UUID, draft: ProviderDraft, expected_version: int | None
    ) -> SupportProvider:
        with self._context.edit(PROVIDER) as unit:
            record = records.require(unit, SupportProviderRecord, provider_id, "provider")
            count = unit.count(SupportOfferRecord, {"provider_id": provider_id})
            records.check_version(record, expected_version, "provider", lambda: _provider(record, _Names(unit), count))
            values = _validated_provider(unit, draft, provider_id)
            _free_name(unit, SupportProviderRecord, {"name": values["name"]}, "name", provider_id)
            records.update(unit, record, values)
            unit.flush()
            return _provider(record, _Names(unit), count)

    def delete_providers(self, provider_ids: builtins.list[uuid.UUID]) -> DeletedSupport:
        """Deletes providers with their offers. Actions commissioned from those offers keep naming them (the
        action's history says where it came from), as an action keeps a retired theme."""
        with self._context.edit(*ALL_ENTITIES) as unit:
            targets = [records.require(unit, SupportProviderRecord, pid, "provider") for pid in provider_ids]
            for record in targets:
                at = records.tombstone(unit, [record])
                offers = unit.list(SupportOfferRecord, {"provider_id": record.id})
                records.tombstone(unit, offers, at)
                for offer in offers:
                    records.tombstone(unit, unit.list(SupportOfferThemeRecord, {"offer_id": offer.id}), at)
            return DeletedSupport(provider_ids=tuple(record.id for record in targets))

    # ------------------------------------------------------------------ offers

    def offers(
        self, *, provider_id: uuid.UUID | None = None, include_inactive: bool = True
    ) -> builtins.list[SupportOffer]:
        """Every offer (or one provider's), by provider then title. An inactive provider's offers count as
        inactive."""
        with self._context.read() as unit:
            names = _Names(unit)
            rows = unit.list(SupportOfferRecord, {"provider_id": provider_id} if provider_id else None)
            offers = [_offer(row, names) for row in rows]
            offers.sort(key=lambda offer: (normalise_name(offer.provider_name), normalise_name(offer.title)))
            return [offer for offer in offers if include_inactive or (offer.active and offer.provider_active)]

    def offer(self, offer_id: uuid.UUID) -> SupportOffer:
        with self._context.read() as unit:
            return _offer(records.require(unit, SupportOfferRecord, offer_id, "offer"), _Names(unit))

    def find_offer(self, provider_name: str, title: str) -> SupportOffer | None:
        """The offer called ``title`` of the provider called ``provider_name``, ignoring case and spaces."""
        with self._context.read() as unit:
            providers = unit.find_by_name(SupportProviderRecord, provider_name)
            if not providers:
                return None
            found = unit.find_by_name(SupportOfferRecord, title, column="title", where={"provider_id": providers[0].id})
            return _offer(found[0], _Names(unit)) if found else None

    def create_offer(self, draft: OfferDraft) -> SupportOffer:
        with self._context.edit(OFFER, OFFER_THEME) as unit:
            values, theme_ids = _validated_offer(unit, draft, None)
            revived = _tombstone_holding(
                unit, SupportOfferRecord, {"provider_id": draft.provider_id, "title": values["title"]}
            )
            if revived is not None:
                records.restore(unit, [revived])
                records.update(unit, revived, values)
                record = revived
            else:
                record = records.create(unit, SupportOfferRecord(**values), OFFER_FIELDS)
                unit.flush()
            _save_offer_themes(unit, record.id, theme_ids)
            unit.flush()
            return _offer(record, _Names(unit))

    def update_offer(self, offer_id: uuid.UUID, draft: OfferDraft, expected_version: int | None) -> SupportOffer:
        with self._context.edit(OFFER, OFFER_THEME) as unit:
            record = records.require(unit, SupportOfferRecord, offer_id, "offer")
            records.check_version(record, expected_version, "offer", lambda: _offer(record, _Names(unit)))
            values, theme_ids = _validated_offer(unit, draft, offer_id)
            _free_name(
                unit,
                SupportOfferRecord,
                {"provider_id": draft.provider_id, "title": values["title"]},
                "title",
                offer_id,
            )
            records.update(unit, record, values)
            if _save_offer_themes(unit, offer_id, theme_ids):
                unit.touch(record)
            unit.flush()
            return _offer(record, _Names(unit))

    def delete_offers(self, offer_ids: builtins.list[uuid.UUID]) -> DeletedSupport:
        """Deletes offers with their theme links; actions commissioned from them keep naming them."""
        with self._context.edit(OFFER, OFFER_THEME) as unit:
            targets = [records.require(unit, SupportOfferRecord, oid, "offer") for oid in offer_ids]
            for record in targets:
                at = records.tombstone(unit, [record])
                records.tombstone(unit, unit.list(SupportOfferThemeRecord, {"offer_id": record.id}), at)
            return DeletedSupport(offer_ids=tuple(record.id for record in targets))

    # ------------------------------------------------------------------ both

    def restore(self, deleted: DeletedSupport) -> None:
        """Undoes a delete: the providers and offers come back with what was deleted with them."""
        with self._context.edit(*ALL_ENTITIES) as unit:
            for provider_id in deleted.provider_ids:
                record = unit.get(SupportProviderRecord, provider_id, include_deleted=True)
                if record is None or record.deleted_at is None:
                    continue
                if unit.find_by_name(SupportProviderRecord, record.name):
                    raise DuplicateError({"name": f"{record.name} cannot come back: another provider has that name"})
                at = record.deleted_at
                offers = records.deleted_with(unit, SupportOfferRecord, {"provider_id": provider_id}, at)
                records.restore(unit, [record])
                records.restore(unit, offers)
                for offer in offers:
                    records.restore_dependants(
                        unit, SupportOfferThemeRecord, {"offer_id": offer.id}, at, other_end=(ThemeRecord, "theme_id")
                    )
            for offer_id in deleted.offer_ids:
                deleted_offer = unit.get(SupportOfferRecord, offer_id, include_deleted=True)
                if deleted_offer is None or deleted_offer.deleted_at is None:
                    continue
                offer = deleted_offer
                if unit.get(SupportProviderRecord, offer.provider_id) is None:
                    raise ValidationError("That offer cannot come back: its provider has been deleted")
                if unit.find_by_name(
                    SupportOfferRecord, offer.title, column="title", where={"provider_id": offer.provider_id}
                ):
                    raise DuplicateError(
                        {"title": f"{offer.title} cannot come back: the provider has another offer of that name"}
                    )
                offer_deleted_at = offer.deleted_at
                records.restore(unit, [offer])
                records.restore_dependants(
                    unit,
                    SupportOfferThemeRecord,
                    {"offer_id": offer_id},
                    offer_deleted_at,
                    other_end=(ThemeRecord, "theme_id"),
                )

    @contextmanager
    def creating_many(self, batch: records.Batch | None = None) -> Iterator[SupportBatch]:
        """Many providers and offers in one transaction, for an import (as ``OrganisationService``'s)."""
        with self._context.edit(*ALL_ENTITIES) as unit, records.batch_on(unit, batch) as shared:
            yield SupportBatch(shared)
