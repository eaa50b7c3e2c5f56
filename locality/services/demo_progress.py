"""Composing the progress updates reported on the demonstration partnership's actions."""

from __future__ import annotations

from datetime import timedelta

from locality.domain.rag import RagInput, assess_rag
from locality.domain.vocabulary import ActionStatus
from locality.services.demo_setting import CONFIDENTIAL_NOTES, PROGRESS_NOTES
from locality.services.demo_state import ComposedAction, DemoState, allocate, new_uuid, round_to, stamp_at


class ProgressComposer(DemoState):
    def _progress_updates(self) -> None:
        """Exactly the size's number of updates, spread over the actions under way in proportion to their time."""
        rng = self.rng
        reporting = {ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED, ActionStatus.ON_HOLD, ActionStatus.CANCELLED}
        eligible = [action for action in self.actions if action.status in reporting and action.start <= self.today]
        total = self.size.progress_updates
        if not eligible:
            return
        if len(eligible) > total:
            eligible = eligible[:total]
        weights = [max(1, (action.end - action.start).days) for action in eligible]
        counts = allocate(total, weights, rng)
        for number, (action, count) in enumerate(zip(eligible, counts, strict=True)):
            if number % 2000 == 0:
                self._step(4 + (2 * number) // len(eligible), "Composing progress updates")
            if count:
                self._updates_for(action, count)

    def _updates_for(self, action: ComposedAction, count: int) -> None:
        rng = self.rng
        start, end = action.start, action.end
        span = max(0, (end - start).days)
        final = action.status
        reach = action.percent
        author = action.lead.contact or "Partnership team"
        author_org = action.lead.name
        rows = self.rows["progress_update"]
        gap = span // count
        jitter = gap // 4
        previous = start
        for step in range(1, count + 1):
            last = step == count
            if last and final != ActionStatus.IN_PROGRESS:
                day = end
            elif last:  # the latest report on work still under way came in during the last fortnight or so
                day = end - timedelta(days=rng.randint(0, min(14, gap)))
            else:
                day = start + timedelta(days=round(span * step / count))
                if jitter:
                    day += timedelta(days=rng.randint(-jitter, jitter))
            day = min(max(day, previous), end)
            previous = day
            status = final if last else ActionStatus.IN_PROGRESS
            percent = reach if last else round_to(reach * step / count, 5)
            if not last and final == ActionStatus.COMPLETED:
                percent = min(percent, 95)
            completed_on = action.completed_on if status == ActionStatus.COMPLETED else None
            assessment = assess_rag(RagInput(status, start, action.due, completed_on, percent, action.milestones), day)
            rag = assessment.rag.value if assessment.rag else None
            if status == ActionStatus.COMPLETED:
                note = rng.choice(PROGRESS_NOTES["Completed"])
            elif status in (ActionStatus.ON_HOLD, ActionStatus.CANCELLED):
                note = rng.choice(PROGRESS_NOTES[status.value])
            else:
                note = rng.choice(PROGRESS_NOTES[rag or "Green"])
            confidential = rng.random() < 0.04
            if confidential:
                note = f"{note} {rng.choice(CONFIDENTIAL_NOTES)}"
            stamp = stamp_at(day, 16) + timedelta(minutes=step)  # same-day reports keep their order
            rows.append(
                {
                    "id": new_uuid(rng),
                    "action_id": action.id,
                    "reported_on": day,
                    "author": author,
                    "author_organisation": author_org,
                    "percent_complete": percent,
                    "status": status.value,
                    "rag": rag,
                    "note": note,
                    "confidential": confidential,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        action.row["updated_at"] = max(action.row["created_at"], stamp_at(previous, 16) + timedelta(minutes=count))
