"""Composing the demonstration partnership's evidence base: indicators and their measurements."""

from __future__ import annotations

import uuid
from datetime import timedelta

from locality.domain.vocabulary import Direction, TargetKind
from locality.services.demo_setting import COUNTY_WIDE, INDICATOR_BASES, PLAN_END, PLAN_START, IndicatorBase
from locality.services.demo_state import ComposedNeed, DemoState, UniqueTitles, allocate, new_uuid, round_to, stamp_at


class IndicatorComposer(DemoState):
    def _indicators(self) -> None:
        rng = self.rng
        count = self.size.indicators
        if not count:
            return
        titles = UniqueTitles(lambda n: f" ({n})")
        needs_by_theme: dict[str, list[ComposedNeed]] = {}
        for each in self.needs:
            needs_by_theme.setdefault(each.theme, []).append(each)
        actions_by_need: dict[uuid.UUID, list[uuid.UUID]] = {}
        for link in self.rows["action_need"]:
            actions_by_need.setdefault(link["need_id"], []).append(link["action_id"])
        theme_of_action = {row["id"]: row["theme_id"] for row in self.rows["action"]}
        actions_by_theme: dict[uuid.UUID, list[uuid.UUID]] = {}
        for linked_action, theme_id in theme_of_action.items():
            actions_by_theme.setdefault(theme_id, []).append(linked_action)
        bases = list(INDICATOR_BASES)
        rng.shuffle(bases)
        per_indicator = allocate(self.size.measurements, [rng.uniform(0.6, 1.4) for _ in range(count)], rng)
        baseline_on = PLAN_START
        created = stamp_at(baseline_on, 12)
        for index in range(count):
            base = bases[index % len(bases)]
            theme = base.theme if base.theme in self.vocabulary.themes else self.themes[0]
            need = rng.choice(needs_by_theme[theme]) if needs_by_theme.get(theme) and rng.random() < 0.75 else None
            action_id: uuid.UUID | None = None
            if rng.random() < 0.5:
                pool = actions_by_need.get(need.id, []) if need else []
                pool = pool or actions_by_theme.get(self.vocabulary.themes[theme][0], [])
                action_id = rng.choice(pool) if pool else None
            place = need.area if need else rng.choices(self.areas, cum_weights=self._area_cum)[0]
            name = titles.take(base.name if place == COUNTY_WIDE else f"{base.name} – {place}")
            indicator_id = new_uuid(rng)
            if base.cumulative:
                baseline = 0.0
                target = float(round_to(rng.uniform(*base.baseline), 10))
            else:
                baseline = round(rng.uniform(*base.baseline), base.decimals)
                change = rng.uniform(*base.change)
                target = baseline + change if base.direction == Direction.HIGHER_IS_BETTER else baseline - change
                target = round(min(100.0, target) if base.percent else max(0.0, target), base.decimals)
            self.rows["indicator"].append(
                {
                    "id": indicator_id,
                    "name": name,
                    "description": f"Evidence of what the partners' actions achieve on {theme.lower()}.",
                    "unit": base.unit,
                    "direction": base.direction.value,
                    "target_kind": (TargetKind.CUMULATIVE if base.cumulative else TargetKind.PERIODIC).value,
                    "baseline_value": baseline,
                    "baseline_on": baseline_on,
                    "target_value": target,
                    "target_on": PLAN_END,
                    "need_id": need.id if need else None,
                    "action_id": action_id,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            self._measurements(indicator_id, base, baseline, target, per_indicator[index])

    def _measurements(self, indicator_id: uuid.UUID, base: IndicatorBase, baseline: float, target: float,
                      count: int) -> None:  # fmt: skip
        if not count:
            return
        rng = self.rng
        plan_days = (PLAN_END - PLAN_START).days
        span = (self.today - PLAN_START).days
        achievement = rng.uniform(0.2, 1.3)
        spread = abs(target - baseline) * 0.15
        rows = self.rows["measurement"]
        for step in range(1, count + 1):
            day = PLAN_START + timedelta(days=round(span * step / count))
            if base.cumulative:
                # a period's own contribution; the running total heads for the target
                value = target * achievement * (span / count) / plan_days * rng.uniform(0.5, 1.5)
            else:
                elapsed = (day - PLAN_START).days / plan_days
                value = baseline + (target - baseline) * achievement * elapsed + rng.gauss(0, spread)
            value = max(0.0, value)
            if base.percent:
                value = min(100.0, value)
            stamp = stamp_at(day, 9)
            rows.append(
                {
                    "id": new_uuid(rng),
                    "indicator_id": indicator_id,
                    "measured_on": day,
                    "value": round(value, base.decimals),
                    "note": "Provisional figure" if rng.random() < 0.05 else "",
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
