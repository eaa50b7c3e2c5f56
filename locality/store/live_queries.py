"""Pieces of statements that the query modules share: what counts as a live link, the columns the RAG rule reads
and the LIKE pattern of a search. One definition each, so that "live" means the same on every page.

A link counts only when it is live and what it joins is live too (tombstones are left out everywhere).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, select

from locality.store.models import (
    ActionNeedRecord,
    ActionPartnerRecord,
    ActionRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def rag_columns() -> tuple[Any, ...]:
    """An action's columns that the RAG rule reads, in the order its rows hold them: status, percent complete,
    start, due, completed on, the rating set by hand and its reason."""
    return (
        ActionRecord.status,
        ActionRecord.percent_complete,
        ActionRecord.start_on,
        ActionRecord.due_on,
        ActionRecord.completed_on,
        ActionRecord.rag_override,
        ActionRecord.rag_override_reason,
    )


def live_lead(lead: Any = OrganisationRecord) -> ColumnElement[bool]:
    """The condition to outer-join an action's lead organisation (``lead``: the model or an alias) when it is live."""
    return (lead.id == ActionRecord.lead_organisation_id) & lead.deleted_at.is_(None)


def linked_need_ids() -> Select[Any]:
    """need_id of every live need–organisation link to a live organisation (the need itself is not checked)."""
    return (
        select(NeedOrganisationRecord.need_id)
        .join(OrganisationRecord, OrganisationRecord.id == NeedOrganisationRecord.organisation_id)
        .where(NeedOrganisationRecord.deleted_at.is_(None), OrganisationRecord.deleted_at.is_(None))
    )


# Any SELECT, whatever its columns.
_Statement = TypeVar("_Statement", bound="Select[*tuple[Any, ...]]")


def live_need_organisation_links(statement: _Statement) -> _Statement:
    """``statement`` (selecting from need–organisation links) kept to live links between a live need and a live
    organisation, with both joined in so that their columns can be selected."""
    return (
        statement.join(OrganisationRecord, OrganisationRecord.id == NeedOrganisationRecord.organisation_id)
        .join(NeedRecord, NeedRecord.id == NeedOrganisationRecord.need_id)
        .where(
            NeedOrganisationRecord.deleted_at.is_(None),
            OrganisationRecord.deleted_at.is_(None),
            NeedRecord.deleted_at.is_(None),
        )
    )


def live_partner_links(statement: _Statement) -> _Statement:
    """``statement`` (selecting from action partner links) kept to live partner links of a live action to a live
    organisation, with both joined in so that their columns can be selected."""
    return (
        statement.join(ActionRecord, ActionRecord.id == ActionPartnerRecord.action_id)
        .join(OrganisationRecord, OrganisationRecord.id == ActionPartnerRecord.organisation_id)
        .where(
            ActionPartnerRecord.deleted_at.is_(None),
            ActionRecord.deleted_at.is_(None),
            OrganisationRecord.deleted_at.is_(None),
        )
    )


def live_action_links() -> ColumnElement[bool]:
    """Live action–need links whose action is live. Deleted actions are few: leaving out that short list is far
    cheaper than joining every action."""
    deleted_actions = select(ActionRecord.id).where(ActionRecord.deleted_at.is_not(None))
    return ActionNeedRecord.deleted_at.is_(None) & ActionNeedRecord.action_id.not_in(deleted_actions)


# "Not linked" is asked with NOT EXISTS over the links of the row at hand, never with NOT IN over every link:
# PostgreSQL ran NOT IN against the whole list of links for each row (3.4 s for the dashboard's count of actions
# without a need on the large workspace; NOT EXISTS is an anti-join, 40 ms).


def need_not_addressed() -> ColumnElement[bool]:
    """True for a need that no live action addresses (by a live link)."""
    return ~select(ActionNeedRecord.id).where(ActionNeedRecord.need_id == NeedRecord.id, live_action_links()).exists()


def action_without_live_need() -> ColumnElement[bool]:
    """True for an action that no live link ties to a live need."""
    return ~(
        select(ActionNeedRecord.id)
        .join(NeedRecord, NeedRecord.id == ActionNeedRecord.need_id)
        .where(
            ActionNeedRecord.action_id == ActionRecord.id,
            ActionNeedRecord.deleted_at.is_(None),
            NeedRecord.deleted_at.is_(None),
        )
        .exists()
    )


def partnered_action_ids() -> Select[Any]:
    """action_id of every live partner link to a live organisation."""
    return (
        select(ActionPartnerRecord.action_id)
        .join(OrganisationRecord, OrganisationRecord.id == ActionPartnerRecord.organisation_id)
        .where(ActionPartnerRecord.deleted_at.is_(None), OrganisationRecord.deleted_at.is_(None))
    )
