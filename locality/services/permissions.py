"""What the account a workspace was opened with may change, so that the interface can grey out the rest and say
why. The server enforces it (``store/server_accounts.py``); this only reads it, once, when the workspace opens.

A workspace file, and a server account with no limits set up, may change everything. A partner's account may
change only the progress, milestones and spend of the actions its organisation leads or partners in — on those
actions, the fields logging progress moves on (status, percent complete, completion date) — and read the rest.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from locality.domain.entities import Entity
from locality.services.context import ServiceContext
from locality.store import action_queries
from locality.store.server_accounts import ConnectedAccount, read_connected_account

log = logging.getLogger("locality.services")

#: What a partner's account may add, change and delete, on its organisation's actions.
PARTNER_ENTITIES = frozenset({Entity.PROGRESS_UPDATE, Entity.MILESTONE, Entity.SPEND})
#: The action's own fields a partner's account may change on its organisation's actions.
PARTNER_ACTION_FIELDS = frozenset({"status", "percent_complete", "completed_on"})


class AccountRights:
    """What the connected account may change; ``limited`` False means everything."""

    def __init__(self, context: ServiceContext, account: ConnectedAccount | None = None) -> None:
        self._context = context
        self._account = account or ConnectedAccount("")

    @classmethod
    def read(cls, context: ServiceContext) -> AccountRights:
        """The rights of the account ``context``'s workspace was opened with (asked of the server, once)."""
        return cls(context, read_connected_account(context.workspace.engine))

    @property
    def account(self) -> str:
        return self._account.role

    @property
    def limited(self) -> bool:
        return self._account.limited

    @property
    def organisation_id(self) -> uuid.UUID | None:
        return self._account.organisation_id

    def may_change(self, entity: Entity) -> bool:
        """Whether the account may change any record of this kind (for a partner: on its own actions)."""
        if not self.limited:
            return True
        return self.organisation_id is not None and (entity in PARTNER_ENTITIES or entity == Entity.ACTION)

    def may_add(self, entity: Entity) -> bool:
        """Whether the account may add and delete records of this kind (a partner adds no actions)."""
        return self.may_change(entity) and (not self.limited or entity != Entity.ACTION)

    def may_change_action(self, lead_organisation_id: uuid.UUID | None, partner_ids: Iterable[uuid.UUID]) -> bool:
        """Whether the account may change the progress, milestones and spend of an action with this lead and
        these partners."""
        if not self.limited:
            return True
        return self.organisation_id is not None and (
            lead_organisation_id == self.organisation_id or self.organisation_id in set(partner_ids)
        )

    def may_change_action_id(self, action_id: uuid.UUID) -> bool:
        """``may_change_action`` for an action known by its id (read from the workspace)."""
        if not self.limited:
            return True
        if self.organisation_id is None:
            return False
        with self._context.read() as unit:
            theirs = action_queries.action_keys(unit, action_queries.ActionFilter(organisation_id=self.organisation_id))
        # The keys are the ids as the database gives them (hex on SQLite, a UUID on a server): compared as UUIDs.
        return action_id in {uuid.UUID(str(key)) for key in theirs}

    @property
    def reason(self) -> str:
        """Why the account may not change what is greyed out, in one sentence ("" when it may change anything)."""
        if not self.limited:
            return ""
        if self.organisation_id is None:
            return f"Your account ({self.account}) may read this workspace but not change it."
        organisation = self._account.organisation_name or "its organisation"
        return (
            f"Your account ({self.account}) may change only the progress, milestones and spend of actions "
            f"{organisation} leads or partners in."
        )
