"""Composing the demonstration partnership's needs, the organisations that share them, and their statuses
(settled once the actions that address them are known)."""

from __future__ import annotations

from datetime import timedelta

from locality.domain.vocabulary import ActionStatus, NeedRole, NeedStatus, Priority, VocabularyKind
from locality.services.demo_setting import (
    CONFIDENTIAL_NOTES,
    COUNTY_WIDE,
    NEED_PHRASES,
    NEED_SOURCE_WEIGHTS,
    OPEN_NOTES,
    PLAN_START,
    SOURCE_LABELS,
    SOURCE_PHRASES,
    THEME_SENTENCES,
)
from locality.services.demo_state import ComposedNeed, DemoState, Row, UniqueTitles, new_uuid, stamp_at


class NeedComposer(DemoState):
    def _needs(self) -> None:
        rng = self.rng
        vocabulary = self.vocabulary
        titles = UniqueTitles(lambda n: f" ({n})")
        sources = list(NEED_SOURCE_WEIGHTS)
        source_weights = [NEED_SOURCE_WEIGHTS[name] for name in sources]
        span_to_today = (self.today - PLAN_START).days
        early = min(90, span_to_today)
        count = self.size.needs
        # Some needs stay unaddressed whatever happens: at least one, about one in seven.
        unaddressed = set(rng.sample(range(count), max(1, count // 7))) if count else set()
        by_priority = {Priority.HIGH.value: (55, 100), Priority.MEDIUM.value: (30, 75), Priority.LOW.value: (5, 45)}
        for index in range(count):
            # Every theme (and service area) appears: the first needs go round them in turn.
            if index < len(self.themes):
                theme = self.themes[index]
            else:
                theme = rng.choices(self.themes, cum_weights=self._theme_cum)[0]
            area = rng.choices(self.areas, cum_weights=self._area_cum)[0]
            base = rng.choice(NEED_PHRASES[theme])
            source = rng.choices(sources, weights=source_weights)[0]
            if source == "Workshop" and self.workshop_dates:
                identified = rng.choice(self.workshop_dates)
            elif rng.random() < 0.6:
                identified = PLAN_START + timedelta(days=rng.randint(0, early))
            else:
                identified = PLAN_START + timedelta(days=rng.randint(0, span_to_today))
            roll = rng.random()
            priority = (
                Priority.HIGH.value
                if roll < 0.3
                else Priority.MEDIUM.value
                if roll < 0.75
                else Priority.LOW.value
                if roll < 0.95
                else None
            )
            score = rng.randint(*by_priority[priority]) if priority and rng.random() < 0.6 else None
            # Links: about 45% raised by one organisation, the rest shared by two to five.
            link_count = rng.choices((1, 2, 3, 4, 5), weights=(45, 20, 17, 10, 8))[0]
            orgs = self._pick_orgs(theme, link_count)
            title = base if area == COUNTY_WIDE else f"{base} in {area}"
            title = titles.take(title, f"{title} ({SOURCE_LABELS[source] or orgs[0].short} {identified.year})")
            need_id = new_uuid(rng)
            created = stamp_at(identified, 10, rng.randint(0, 59))
            lead = orgs[0].id
            for position, org in enumerate(orgs):
                if position == 0:
                    role = NeedRole.RAISED_BY.value
                elif position == 1 and rng.random() < 0.7:
                    role = NeedRole.LEAD.value
                    lead = org.id
                else:
                    role = NeedRole.SHARES.value
                severity = self._severity(priority)
                self.rows["need_organisation"].append(
                    {
                        "id": new_uuid(rng),
                        "need_id": need_id,
                        "organisation_id": org.id,
                        "role": role,
                        "severity": severity,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
            notes, confidential = "", False
            if rng.random() < 0.2:
                confidential = rng.random() < 0.3
                notes = rng.choice(CONFIDENTIAL_NOTES if confidential else OPEN_NOTES)
            description = f"{rng.choice(THEME_SENTENCES[theme])} Raised by {orgs[0].name}{SOURCE_PHRASES[source]}."

            row: Row = {
                "id": need_id,
                "title": title,
                "description": description,
                "theme_id": vocabulary.themes[theme][0],
                "area": area,
                "source_id": vocabulary.term(VocabularyKind.NEED_SOURCE, source),
                "priority": priority,
                "score": score,
                "status": NeedStatus.IDENTIFIED.value,  # settled once the actions are known
                "identified_on": identified,
                "notes": notes,
                "notes_confidential": confidential,
                "created_at": created,
                "updated_at": created,
            }
            self.rows["need"].append(row)
            self.needs.append(
                ComposedNeed(
                    need_id,
                    theme,
                    area,
                    identified,
                    priority,
                    [org.id for org in orgs],
                    lead,
                    index not in unaddressed,
                    row,
                )  # fmt: skip
            )

    def _severity(self, priority: str | None) -> str | None:
        roll = self.rng.random()
        if roll < 0.1:
            return None
        if roll < 0.65 and priority:
            return priority
        return self.rng.choice((Priority.HIGH.value, Priority.MEDIUM.value, Priority.LOW.value))

    def _need_statuses(self) -> None:
        rng = self.rng
        finished = {ActionStatus.COMPLETED.value}
        moving = {ActionStatus.IN_PROGRESS.value, ActionStatus.ON_HOLD.value, ActionStatus.COMPLETED.value}
        for need in self.needs:
            statuses = need.action_statuses
            # judged on the actions that have started: later ones may follow up a need already met
            started = [status for status in statuses if status in moving]
            done = sum(1 for status in started if status in finished)
            if not statuses:
                roll = rng.random()
                status = NeedStatus.IDENTIFIED if roll < 0.55 else NeedStatus.AGREED
                if roll >= 0.95:
                    status = NeedStatus.CLOSED
            elif started and (done == len(started) or (done >= 0.6 * len(started) and rng.random() < 0.5)):
                status = NeedStatus.MET if rng.random() < 0.85 else NeedStatus.CLOSED
            elif started:
                status = NeedStatus.BEING_ADDRESSED
            else:
                status = NeedStatus.AGREED
            need.row["status"] = status.value
