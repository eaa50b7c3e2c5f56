"""Composing actions' money: budgets, the funding sources that allocate them, and what has been spent."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta

from locality.domain.vocabulary import ActionStatus
from locality.services.demo_setting import FUNDING_WEIGHTS, SPEND_NOTES
from locality.services.demo_state import ComposedAction, DemoState, allocate, new_uuid, round_to, stamp_at


class FundingComposer(DemoState):
    def _budget(self, type_name: str) -> int | None:
        """A budget in whole pounds (£5,000 to £250,000, mostly at the lower end), or none for one in ten."""
        rng = self.rng
        if rng.random() < 0.1:
            return None
        pounds = math.exp(rng.uniform(math.log(5_000), math.log(250_000)))
        if type_name == "Shared service":
            pounds *= 1.6
        elif type_name in ("Community engagement event", "Toolkit or good-practice sharing"):
            pounds /= 3
        return max(5_000, min(250_000, round_to(pounds, 500)))

    def _funding(self, action: ComposedAction, budget: int, created: datetime) -> None:
        rng = self.rng
        names = [name for name in FUNDING_WEIGHTS if self.vocabulary.funding_source(name)]
        if not names:
            return
        count = min(len(names), rng.choices((1, 2, 3), weights=(50, 35, 15))[0])
        chosen: list[str] = []
        while len(chosen) < count:
            name = self._pick_weighted(names, FUNDING_WEIGHTS)
            if name not in chosen:
                chosen.append(name)
        amounts: list[int] = []
        left = budget
        for _ in range(count - 1):
            share = round_to(left * rng.uniform(0.3, 0.7), 100)
            if share <= 0 or share >= left:
                break
            amounts.append(share)
            left -= share
        amounts.append(left)
        sources: list[tuple[uuid.UUID, int]] = []
        for name, amount in zip(chosen, amounts, strict=False):
            source_id = self.vocabulary.funding_source(name)
            assert source_id is not None
            sources.append((source_id, amount))
            self.rows["funding_allocation"].append(
                {
                    "id": new_uuid(rng),
                    "action_id": action.id,
                    "funding_source_id": source_id,
                    "amount_pence": amount * 100,
                    "note": "Agreed at the partnership board" if rng.random() < 0.3 else "",
                    "created_at": created,
                    "updated_at": created,
                }
            )
        self._spend(action, budget, sources)

    def _spend(self, action: ComposedAction, budget: int, sources: list[tuple[uuid.UUID, int]]) -> None:
        rng = self.rng
        status = action.status
        if status in (ActionStatus.PROPOSED, ActionStatus.PLANNED) or action.start > self.today:
            return
        if status == ActionStatus.COMPLETED:
            total = budget * rng.uniform(0.85, 1.12)  # some come in over budget
            count = rng.randint(2, 5)
        else:
            total = budget * action.percent / 100 * rng.uniform(0.6, 1.1)
            count = rng.randint(1, 4)
        total_pounds = int(total)
        if total_pounds < 100:
            return
        count = min(count, max(1, total_pounds // 100))
        shares = allocate(total_pounds, [rng.uniform(0.5, 1.5) for _ in range(count)], rng)
        span = max(0, (action.end - action.start).days)
        for position, amount in enumerate(shares, start=1):
            spent_on = action.start + timedelta(days=round(span * position / count))
            source_id = rng.choices([source for source, _ in sources], weights=[share for _, share in sources])[0]
            stamp = stamp_at(spent_on, 14)
            self.rows["spend"].append(
                {
                    "id": new_uuid(rng),
                    "action_id": action.id,
                    "funding_source_id": source_id,
                    "spent_on": spent_on,
                    "amount_pence": amount * 100,
                    "note": rng.choice(SPEND_NOTES),
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
