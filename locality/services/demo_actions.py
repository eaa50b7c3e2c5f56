"""Composing the demonstration partnership's joint actions: leads and owners, dates and state, milestones,
the needs they address and their partners (their money is composed by ``demo_funding``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from locality.domain.rag import MilestoneDates, expected_percent
from locality.domain.vocabulary import ActionStatus, Priority, Rag, VocabularyKind
from locality.services.demo_funding import FundingComposer
from locality.services.demo_setting import (
    ACTION_TYPES,
    CONFIDENTIAL_NOTES,
    COUNTY_WIDE,
    DELIVERY_LEVEL_WEIGHTS,
    FIRST_NAMES,
    IN_KIND,
    MILESTONES,
    OPEN_NOTES,
    PLAN_END,
    PLAN_START,
    RAG_OVERRIDE_REASONS,
    SHARED_SERVICES,
    SURNAMES,
    THEME_ACTION_TYPES,
    THEME_TOPICS,
)
from locality.services.demo_state import (
    ComposedAction,
    ComposedNeed,
    ComposedOrg,
    Row,
    UniqueTitles,
    day_between,
    new_uuid,
    round_to,
    stamp_at,
)


class ActionComposer(FundingComposer):
    def _actions(self) -> None:
        rng = self.rng
        count = self.size.actions
        titles = UniqueTitles(lambda n: f" – phase {n}")
        addressable = [need for need in self.needs if need.addressable]
        # High-priority needs attract more actions than low-priority ones.
        priority_weight = {Priority.HIGH.value: 3.0, Priority.MEDIUM.value: 2.0}
        need_cum = self._cumulative([priority_weight.get(need.priority or "", 1.0) for need in addressable])
        by_theme: dict[str, list[ComposedNeed]] = {}
        for need in addressable:
            by_theme.setdefault(need.theme, []).append(need)
        # About one action in five addresses no recorded need; the second always does not.
        no_need = set(rng.sample(range(count), max(1, count // 5))) if count else set()
        if count > 1:
            no_need.discard(0)
            no_need.add(1)
        type_names = list(ACTION_TYPES)
        for index in range(count):
            if index % 500 == 0:
                self._step(2 + (2 * index) // max(count, 1), "Composing actions")
            primary: ComposedNeed | None = None
            if index not in no_need and addressable:
                primary = rng.choices(addressable, cum_weights=need_cum)[0]
                theme = primary.theme
                area = primary.area
            else:
                theme = rng.choices(self.themes, cum_weights=self._theme_cum)[0]
                area = rng.choices(self.areas, cum_weights=self._area_cum)[0]
            preferred = THEME_ACTION_TYPES.get(theme, ())
            type_name = rng.choice(preferred) if preferred and rng.random() < 0.7 else rng.choice(type_names)
            templates, type_sentence, providers = ACTION_TYPES[type_name]
            template = rng.choice(templates)
            base = template.format(topic=rng.choice(THEME_TOPICS[theme]), service=rng.choice(SHARED_SERVICES))
            lead = self._lead(primary, theme)
            title = base if area == COUNTY_WIDE else f"{base} – {area}"
            title = titles.take(title, f"{title} (led by {lead.short})")
            provider = providers[0] if rng.random() < 0.5 else rng.choice(providers)
            level = rng.choices(list(DELIVERY_LEVEL_WEIGHTS), weights=list(DELIVERY_LEVEL_WEIGHTS.values()))[0]

            start, due = self._dates(primary)
            action_id = new_uuid(rng)
            status, percent, completed_on, end = self._state(start, due)
            milestones, milestone_titles = self._milestones(action_id, type_name, start, due, status, end,
                                                            completed_on)  # fmt: skip
            agreed = min(start, self.today) - timedelta(days=rng.randint(7, 45))
            created_day = max(PLAN_START - timedelta(days=14), agreed)
            created = stamp_at(created_day, 11, rng.randint(0, 59))
            budget = self._budget(type_name)
            override, override_reason = None, ""
            if status == ActionStatus.IN_PROGRESS and rng.random() < 0.03:
                override = rng.choice((Rag.AMBER.value, Rag.RED.value))
                override_reason = rng.choice(RAG_OVERRIDE_REASONS)
            notes, confidential = "", False
            if rng.random() < 0.15:
                confidential = rng.random() < 0.3
                notes = rng.choice(CONFIDENTIAL_NOTES if confidential else OPEN_NOTES)
            row: Row = {
                "id": action_id,
                "title": title,
                "description": f"{type_sentence} Led by {lead.name}.",
                "theme_id": self.vocabulary.themes[theme][0],
                "type_id": self.vocabulary.term(VocabularyKind.ACTION_TYPE, type_name),
                "delivery_level_id": self.vocabulary.term(VocabularyKind.DELIVERY_LEVEL, level),
                "provider_id": self.vocabulary.term(VocabularyKind.PROVIDER, provider),
                "lead_organisation_id": lead.id,
                **self._owner(lead),
                "start_on": start,
                "due_on": due,
                "completed_on": completed_on,
                "status": status.value,
                "percent_complete": percent,
                "rag_override": override,
                "rag_override_reason": override_reason,
                "budget_pence": budget * 100 if budget is not None else None,
                "notes": notes,
                "notes_confidential": confidential,
                "created_at": created,
                "updated_at": created,
            }
            self.rows["action"].append(row)
            action = ComposedAction(action_id, row, lead, start, due, status, percent, end, completed_on, milestones,
                             milestone_titles)  # fmt: skip
            self.actions.append(action)
            self._needs_of(action, primary, by_theme, created)
            self._partners(action, primary, theme, created, joint=index == 0 or rng.random() < 0.6)
            if budget is not None:
                self._funding(action, budget, created)
        self._ensure_milestone_variety()

    def _owner(self, lead: ComposedOrg) -> dict[str, str]:
        """A named owner at the lead organisation for most actions: one of the few officers who own its actions,
        most with an e-mail at its domain and a telephone (Ofcom's numbers for drama, 01632 960xxx)."""
        rng = self.owner_rng
        if rng.random() < 0.12:
            return {"owner_name": "", "owner_email": "", "owner_phone": ""}
        if lead.owners is None:
            lead.owners = []
            # Each officer is a different person from every other officer and every organisation's contact, so a
            # name never stands for two people (nor a contact's name reach an export as someone's owner).
            taken = self._people_named()
            for _number in range(rng.randint(1, 4)):
                first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                while f"{first} {last}" in taken and len(taken) < len(FIRST_NAMES) * len(SURNAMES):
                    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                taken.add(f"{first} {last}")
                email = f"{first}.{last.replace(chr(39), '')}@{lead.domain}".lower() if rng.random() < 0.9 else ""
                phone = f"01632 960{rng.randint(0, 999):03d}" if rng.random() < 0.8 else ""
                lead.owners.append((f"{first} {last}", email, phone))
        name, email, phone = rng.choice(lead.owners)
        return {"owner_name": name, "owner_email": email, "owner_phone": phone}

    def _people_named(self) -> set[str]:
        """The names of every organisation's contact and every action owner so far (kept up to date by _owner)."""
        if self._people is None:
            self._people = {org.contact for org in self.orgs if org.contact}
        return self._people

    def _lead(self, primary: ComposedNeed | None, theme: str) -> ComposedOrg:
        rng = self.rng
        if primary is not None and rng.random() < 0.75:
            wanted = primary.lead if rng.random() < 0.7 else rng.choice(primary.organisations)
            return self.org_by_id[wanted]
        return self._pick_orgs(theme, 1)[0]

    def _dates(self, primary: ComposedNeed | None) -> tuple[date, date]:
        """Start and due: about seven in ten start by today, none before the need they address was found."""
        rng = self.rng
        earliest = PLAN_START if primary is None else max(PLAN_START, primary.identified_on + timedelta(days=14))
        latest_start = PLAN_END - timedelta(days=60)
        past = earliest <= self.today and rng.random() < 0.7
        if past or self.today >= latest_start - timedelta(days=30):
            start = day_between(rng, earliest, min(self.today, latest_start))
        else:
            start = day_between(rng, max(earliest, self.today + timedelta(days=1)), latest_start)
        duration = rng.choice((90, 120, 180, 180, 270, 365, 365, 450, 540))
        due = min(PLAN_END, start + timedelta(days=duration + rng.randint(-20, 20)))
        if due <= start:
            due = start + timedelta(days=30)
        return start, due

    def _state(self, start: date, due: date) -> tuple[ActionStatus, int, date | None, date]:
        """Status, percent complete, completion date and the last day anything happened, as at today."""
        rng = self.rng
        today = self.today
        roll = rng.random()
        if start > today:
            status = ActionStatus.PLANNED if roll < 0.6 else ActionStatus.PROPOSED
            if roll >= 0.95:
                status = ActionStatus.CANCELLED
            return status, 0, None, today
        if due < today:
            choices = ((0.72, ActionStatus.COMPLETED), (0.86, ActionStatus.IN_PROGRESS), (0.92, ActionStatus.ON_HOLD),
                       (0.97, ActionStatus.CANCELLED), (1.0, ActionStatus.PLANNED))  # fmt: skip
        else:
            choices = ((0.04, ActionStatus.COMPLETED), (0.82, ActionStatus.IN_PROGRESS), (0.89, ActionStatus.ON_HOLD),
                       (0.92, ActionStatus.CANCELLED), (1.0, ActionStatus.PLANNED))  # fmt: skip
        status = next(value for limit, value in choices if roll < limit)
        if status == ActionStatus.COMPLETED and (today - start).days < 21:
            status = ActionStatus.IN_PROGRESS
        if status == ActionStatus.PLANNED:  # the start slipped
            return status, 0, None, today
        if status == ActionStatus.COMPLETED:
            first = min(max(start + timedelta(days=14), due - timedelta(days=45)), today)
            completed = day_between(rng, first, min(due + timedelta(days=40), today))
            return status, 100, completed, completed
        if status in (ActionStatus.ON_HOLD, ActionStatus.CANCELLED):
            stopped = day_between(rng, min(start + timedelta(days=1), today), today)
            expected = expected_percent(start, due, stopped) or 0
            share = rng.uniform(0.4, 1.0) if status == ActionStatus.ON_HOLD else rng.uniform(0.1, 0.7)
            return status, max(0, min(95, round_to(expected * share, 5))), None, stopped
        # in progress
        if due < today:
            return status, round_to(rng.randint(40, 95), 5), None, today
        expected = expected_percent(start, due, today) or 0
        roll = rng.random()
        if roll < 0.65:
            percent = expected + rng.randint(-8, 12)
        elif roll < 0.85:
            percent = expected - rng.randint(10, 24)
        else:
            percent = expected - rng.randint(25, 45)
        return status, max(5, min(95, round_to(percent, 5))), None, today

    def _milestones(
        self,
        action_id: uuid.UUID,
        type_name: str,
        start: date,
        due: date,
        status: ActionStatus,
        end: date,
        completed_on: date | None,
    ) -> tuple[tuple[MilestoneDates, ...], tuple[str, ...]]:
        rng = self.rng
        count = rng.choices((0, 1, 2, 3, 4), weights=(10, 15, 25, 30, 20))[0]
        if count == 0:
            return (), ()
        names = MILESTONES[type_name]
        picked = sorted(rng.sample(range(len(names)), min(count, len(names))))
        span = (due - start).days
        started = status in (ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED, ActionStatus.ON_HOLD,
                             ActionStatus.CANCELLED)  # fmt: skip
        result: list[MilestoneDates] = []
        titles: list[str] = []
        for position, name_index in enumerate(picked, start=1):
            due_on = start + timedelta(days=round(span * position / len(picked)))
            done: date | None = None
            if started:
                if status == ActionStatus.COMPLETED and completed_on is not None:
                    if due_on <= completed_on:
                        done = min(max(start, due_on + timedelta(days=rng.randint(-14, 10))), completed_on)
                    else:
                        done = completed_on
                elif due_on <= end:
                    keep = 0.82 if status == ActionStatus.IN_PROGRESS else 0.7
                    if rng.random() < keep:
                        done = min(max(start, due_on + timedelta(days=rng.randint(-10, 21))), end)
                elif status == ActionStatus.IN_PROGRESS and rng.random() < 0.08:
                    done = day_between(rng, start, end)
            created = stamp_at(max(PLAN_START - timedelta(days=14), min(start, self.today)), 11, 30)
            self.rows["milestone"].append(
                {
                    "id": new_uuid(rng),
                    "action_id": action_id,
                    "title": names[name_index],
                    "due_on": due_on,
                    "done_on": done,
                    # Counted from 0, as the app numbers an action's milestones when it saves them: numbered from 1,
                    # the first save of every demo action rewrote all its milestones and logged them as changed.
                    "sort_order": position - 1,
                    "created_at": created,
                    "updated_at": stamp_at(done, 15) if done else created,
                }
            )
            result.append(MilestoneDates(due_on, done))
            titles.append(names[name_index])
        return tuple(result), tuple(titles)

    def _ensure_milestone_variety(self) -> None:
        """Every size shows at least one milestone done and one overdue."""
        rows = self.rows["milestone"]
        if not rows:
            return
        today = self.today
        if not any(row["done_on"] is not None for row in rows):
            row = min(rows, key=lambda r: r["due_on"])
            row["done_on"] = min(row["due_on"], today)
        if not any(row["done_on"] is None and row["due_on"] < today for row in rows):
            in_progress = {action.id for action in self.actions if action.status == ActionStatus.IN_PROGRESS}
            candidates = [row for row in rows if row["action_id"] in in_progress and row["due_on"] < today]
            if not candidates:
                # Early in the plan little is due yet: bring an under-way action's first milestone forward.
                starts = {a.id: a.start for a in self.actions if a.id in in_progress and a.start < today}
                firsts = [row for row in rows if row["action_id"] in starts and row["sort_order"] == 0]
                if firsts:
                    firsts[0]["due_on"] = day_between(
                        self.rng, starts[firsts[0]["action_id"]], today - timedelta(days=1)
                    )
                    candidates = firsts[:1]
            if candidates:
                candidates[0]["done_on"] = None
                candidates[0]["updated_at"] = candidates[0]["created_at"]
        # keep the actions' milestone dates (used for progress RAG) in step with the rows
        by_action: dict[uuid.UUID, list[MilestoneDates]] = {}
        for row in rows:
            by_action.setdefault(row["action_id"], []).append(MilestoneDates(row["due_on"], row["done_on"]))
        for action in self.actions:
            if action.milestones:
                action.milestones = tuple(by_action.get(action.id, ()))

    def _needs_of(
        self,
        action: ComposedAction,
        primary: ComposedNeed | None,
        by_theme: dict[str, list[ComposedNeed]],
        created: datetime,
    ) -> None:
        if primary is None:
            return
        rng = self.rng
        linked = [primary]
        if rng.random() < 0.4:
            pool = by_theme.get(primary.theme, [])
            for _ in range(rng.randint(1, 2)):
                other = rng.choice(pool)
                if all(other is not need for need in linked) and other.identified_on <= action.start:
                    linked.append(other)
        for need in linked:
            need.action_statuses.append(action.status.value)
            self.rows["action_need"].append(
                {
                    "id": new_uuid(rng),
                    "action_id": action.id,
                    "need_id": need.id,
                    "created_at": created,
                    "updated_at": created,
                }  # fmt: skip
            )

    def _partners(
        self, action: ComposedAction, primary: ComposedNeed | None, theme: str, created: datetime, joint: bool
    ) -> None:
        rng = self.rng
        if not joint or len(self.orgs) < 2:
            return
        wanted = rng.choices((1, 2, 3, 4), weights=(35, 30, 20, 15))[0]
        partners: list[ComposedOrg] = []
        if primary is not None:
            for org_id in primary.organisations:
                if org_id != action.lead.id and len(partners) < wanted:
                    partners.append(self.org_by_id[org_id])
        if len(partners) < wanted:
            partners += self._pick_orgs(theme, wanted - len(partners), [action.lead.id, *(p.id for p in partners)])
        for org in partners:
            cash = rng.randint(2, 100) * 250 if rng.random() < 0.4 else 0
            days = rng.randint(1, 60) / 2 if rng.random() < 0.75 else 0.0
            in_kind = rng.choice(IN_KIND) if rng.random() < 0.4 else ""
            if not cash and not days and not in_kind:
                days = rng.randint(1, 20) / 2
            self.rows["action_partner"].append(
                {
                    "id": new_uuid(rng),
                    "action_id": action.id,
                    "organisation_id": org.id,
                    "cash_pence": cash * 100,
                    "staff_days": days,
                    "in_kind": in_kind,
                    "created_at": created,
                    "updated_at": created,
                }
            )
