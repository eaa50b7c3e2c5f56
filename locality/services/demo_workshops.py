"""Composing the demonstration partnership's workshops: when they were held, who came and how they voted."""

from __future__ import annotations

import uuid
from datetime import timedelta

from locality.services.demo_setting import FACILITATORS, PLAN_START, WORKSHOPS
from locality.services.demo_state import ComposedOrg, DemoState, new_uuid, stamp_at


class WorkshopComposer(DemoState):
    def _workshop_dates(self) -> None:
        span = (self.today - PLAN_START).days
        for _, _, _, fraction in WORKSHOPS[: self.size.workshops]:
            self.workshop_dates.append(PLAN_START + timedelta(days=max(1, round(span * fraction))))

    def _workshops(self) -> None:
        rng = self.rng
        for (title, venue, focus, _), held_on in zip(WORKSHOPS, self.workshop_dates, strict=False):
            workshop_id = new_uuid(rng)
            stamp = stamp_at(held_on, 17)
            facilitator = rng.choice(FACILITATORS)
            self.rows["workshop"].append(
                {
                    "id": workshop_id,
                    "title": title,
                    "held_on": held_on,
                    "venue": venue,
                    "facilitator": facilitator,
                    "notes": "Needs captured on the day and prioritised by dot-voting; five dots per organisation.",
                    "created_at": stamp_at(held_on - timedelta(days=14), 9),
                    "updated_at": stamp,
                }
            )
            theme = focus[0] if focus[0] in self.vocabulary.themes else self.themes[0]
            people = rng.randint(8, 16)
            orgs = self._pick_orgs(theme, min(people, len(self.orgs)))
            names: set[str] = set()
            attendees: list[tuple[str, ComposedOrg]] = []
            for position in range(people):
                org = orgs[position % len(orgs)]
                name = org.contact if position < len(orgs) and org.contact else self._person()[2]
                while name in names:
                    name = self._person()[2]
                names.add(name)
                attendees.append((name, org))
            for name, org in attendees:
                self.rows["workshop_participant"].append(
                    {
                        "id": new_uuid(rng),
                        "workshop_id": workshop_id,
                        "name": name,
                        "organisation_id": org.id,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }  # fmt: skip
                )
            candidates = [need for need in self.needs if need.identified_on <= held_on]
            focused = [need for need in candidates if need.theme in focus] or candidates
            if not focused:
                continue
            for org in orgs:
                own = [need for need in focused if org.id in need.organisations]
                dots: dict[uuid.UUID, int] = {}
                for _ in range(5):
                    pool = own if own and rng.random() < 0.5 else focused
                    chosen = rng.choice(pool)
                    dots[chosen.id] = dots.get(chosen.id, 0) + 1
                for need_id, number in dots.items():
                    self.rows["workshop_vote"].append(
                        {"id": new_uuid(rng), "workshop_id": workshop_id, "need_id": need_id,
                         "organisation_id": org.id, "dots": number, "created_at": stamp, "updated_at": stamp}
                    )  # fmt: skip
