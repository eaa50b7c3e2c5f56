"""Building the joint action plan (``build_plan``): the workspace read in a fixed number of bulk queries (never one
per action), the filters applied (organisations, theme, statuses, period), and confidential notes and personal
contact details left out unless asked for. The values it builds are in ``plan.py``; the renderers in exchange/
(``render_<format>``) only lay out what the plan holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from locality.domain.errors import ValidationError
from locality.domain.rag import RagThresholds
from locality.domain.vocabulary import CLOSED_ACTION_STATUSES, ActionStatus, Direction, Rag, TargetKind, normalise_name
from locality.services import action_rag
from locality.services import vocabulary as vocabulary_services
from locality.services.indicators import actual_value, progress_to_target
from locality.services.vocabulary import unknown_value_message
from locality.services.workspace_info import plan_period_text
from locality.store import plan_queries

if TYPE_CHECKING:
    from locality.services.registry import Services

from locality.services.plan import (
    Cancelled,
    CountRow,
    Plan,
    PlanAction,
    PlanFilters,
    PlanIndicator,
    PlanMilestone,
    PlanNeed,
    PlanOrganisation,
    PlanSummary,
    Progress,
    ThemeRow,
    bulk_work,
    check_cancelled,
)


def build_plan(
    services: Services,
    filters: PlanFilters,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Plan:
    """The joint action plan for ``filters``, as the workspace holds it ``today`` (the services' today if None).

    Unknown organisation or theme names raise ``ValidationError`` listing the names allowed; a ``cancelled()``
    that returns True raises ``ExportCancelled``; ``progress(done, total)`` reports the steps. Everything is
    read in one transaction with a constant number of bulk queries, however many actions there are.
    """
    with bulk_work():
        return _build(services, filters, today or services.context.today(), progress, cancelled)


def _build(
    services: Services,
    filters: PlanFilters,
    when: date,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> Plan:
    report = _Steps(progress, cancelled)
    report.check()
    with services.context.read() as unit:
        meta = unit.meta()
        rows = _Rows(
            partnership=meta.partnership_name,
            area=meta.area,
            period=plan_period_text(meta.plan_start, meta.plan_end),
            thresholds=action_rag.rag_thresholds(unit),
            organisations=plan_queries.organisations(unit),
            themes=plan_queries.themes(unit),
            term_names=vocabulary_services.term_names(unit),
        )
        selected = _selected_organisations(rows.organisations, filters.organisations)
        theme_ids: list[uuid.UUID] | None = None
        theme_name: str | None = None
        if filters.theme is not None and filters.theme.strip():
            theme_id = vocabulary_services.resolve_theme(unit, filters.theme)
            chosen = [row for row in rows.themes if row.id == theme_id or (row.parent_id == theme_id and row.live)]
            theme_ids = [row.id for row in chosen]
            theme_name = next(row.name for row in chosen if row.id == theme_id)
        organisation_ids = [row.id for row in selected] or None
        report.advance()

        rows.actions = plan_queries.action_rows(
            unit,
            statuses={status.value for status in filters.statuses} if filters.statuses else None,
            organisation_ids=organisation_ids,
            theme_ids=theme_ids,
            period_start=filters.period_start,
            period_end=filters.period_end,
        )
        scope = plan_queries.scope_of([row.key for row in rows.actions])
        report.advance()
        rows.partners = plan_queries.partner_links(unit, scope)
        rows.action_needs = plan_queries.action_need_links(unit, scope)
        report.advance()
        rows.milestones = plan_queries.milestone_rows(unit, scope)
        rows.spend = plan_queries.spend_totals(unit, scope)
        report.advance()
        rows.notes = plan_queries.latest_notes(unit, scope)
        report.advance()
        rows.needs = plan_queries.need_rows(unit, organisation_ids=organisation_ids, theme_ids=theme_ids)
        rows.need_links = plan_queries.need_organisation_links(unit, plan_queries.scope_of([n.key for n in rows.needs]))
        if theme_ids is not None and not selected:
            # A theme's plan names the needs of other themes its actions address; a partner's extract does not.
            rows.other_need_titles = plan_queries.need_titles(unit)
        rows.indicators = plan_queries.indicator_rows(unit)
        rows.measurements = plan_queries.measurement_totals(unit)
        report.advance()

    described = replace(filters, organisations=tuple(row.name for row in selected), theme=theme_name).describe()
    plan = _assemble(rows, filters, selected, theme_name is not None, when, tuple(described), report)
    report.advance()
    return plan


_NOT_RATED = "Not rated"


_NO_THEME = "No theme"


class _Steps:
    """Progress through the build's steps, with a check for Cancel at each."""

    TOTAL = 8

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self._progress = progress
        self._cancelled = cancelled
        self._done = 0

    def check(self) -> None:
        check_cancelled(self._cancelled)

    def advance(self) -> None:
        self.check()
        self._done = min(self._done + 1, self.TOTAL)
        if self._progress is not None:
            self._progress(self._done, self.TOTAL)


@dataclass
class _Rows:
    """What the queries read, before it is put together."""

    partnership: str
    area: str
    period: str
    thresholds: RagThresholds
    organisations: list[plan_queries.OrganisationRow]
    themes: list[plan_queries.ThemeRow]
    term_names: dict[uuid.UUID, str]
    actions: list[plan_queries.PlanActionRow] = field(default_factory=list)
    partners: list[tuple[str, str, str]] = field(default_factory=list)
    action_needs: list[tuple[str, str]] = field(default_factory=list)
    milestones: list[tuple[str, int, str, date | None, date | None]] = field(default_factory=list)
    spend: dict[str, int] = field(default_factory=dict)
    notes: dict[str, plan_queries.LatestNote] = field(default_factory=dict)
    needs: list[plan_queries.NeedRow] = field(default_factory=list)
    need_links: list[tuple[str, str, str]] = field(default_factory=list)
    other_need_titles: dict[str, str] | None = None
    indicators: list[plan_queries.IndicatorRow] = field(default_factory=list)
    measurements: dict[str, plan_queries.MeasurementTotals] = field(default_factory=dict)


def _assemble(
    rows: _Rows,
    filters: PlanFilters,
    selected: list[plan_queries.OrganisationRow],
    themed: bool,
    today: date,
    described: tuple[str, ...],
    report: _Steps,
) -> Plan:
    confidential = filters.include_confidential
    # A partner's extract holds nothing of other organisations beyond the names of its co-partners.
    partial = bool(selected)
    # The whole partnership's plan (perhaps narrowed by status or period) shows every organisation and indicator.
    whole = not partial and not themed
    theme_names = {row.key: row.name for row in rows.themes}
    action_keys = {row.key for row in rows.actions}
    need_keys = {row.key for row in rows.needs}
    titles = rows.other_need_titles if rows.other_need_titles is not None else {n.key: n.title for n in rows.needs}

    partner_names: dict[str, list[str]] = {}
    partner_keys: dict[str, list[str]] = {}
    for action_key, organisation_key, name in rows.partners:
        if action_key in action_keys:
            partner_names.setdefault(action_key, []).append(name)
            partner_keys.setdefault(action_key, []).append(organisation_key)
    addressed: dict[str, list[str]] = {}
    actions_per_need: dict[str, int] = {}
    for action_key, need_key in rows.action_needs:
        if action_key not in action_keys:
            continue
        if need_key in need_keys:
            actions_per_need[need_key] = actions_per_need.get(need_key, 0) + 1
        elif partial:
            continue  # another organisation's need: not named in this organisation's extract
        addressed.setdefault(action_key, []).append(titles.get(need_key, ""))
    milestones_by_action: dict[str, list[tuple[int, str, date | None, date | None]]] = {}
    for action_key, order, title, due_on, done_on in rows.milestones:
        if action_key in action_keys:
            milestones_by_action.setdefault(action_key, []).append((order, title, due_on, done_on))
    for listed in milestones_by_action.values():
        if len(listed) > 1:
            listed.sort(key=_first)  # in each action's own order; stable, so ties stay in the order entered
    report.advance()

    # --- actions
    organisation_keys = {row.key for row in rows.organisations}
    appearing: set[str] = {row.key for row in selected}  # organisations named in the plan (unless whole)
    actions: list[PlanAction] = []
    statuses = {status.value: status for status in ActionStatus}
    thresholds = rows.thresholds
    assess_action = action_rag.assess_action
    as_uuid = plan_queries.as_uuid
    notes_of, spend_of, milestones_of = rows.notes.get, rows.spend.get, milestones_by_action.get
    partners_of, addressed_of, theme_of = partner_names.get, addressed.get, theme_names.get
    for row in rows.actions:
        key = row.key
        title = row.title
        own_milestones = milestones_of(key)
        assessment = assess_action(
            row,
            [(due_on, done_on) for _order, _title, due_on, done_on in own_milestones] if own_milestones else (),
            today,
            thresholds,
        )
        note = notes_of(key)
        if note is not None and note.confidential and not confidential:
            note = None  # a confidential note is left out, and so is its date
        if not whole:
            if row.lead_key in organisation_keys:
                appearing.add(row.lead_key)
            appearing.update(partner_keys.get(key, ()))
        need_titles = addressed_of(key)
        if need_titles and len(need_titles) > 1:
            need_titles.sort(key=str.casefold)
        actions.append(
            PlanAction(
                id=as_uuid(key),
                title=title,
                theme=theme_of(row.theme_key or "", ""),
                lead=row.lead_name,
                partners=tuple(partners_of(key, ())),
                needs=tuple(need_titles) if need_titles else (),
                start_on=row.start_on,
                due_on=row.due_on,
                status=statuses[row.status],
                rag=assessment.rag,
                rag_reason=assessment.reason,
                percent_complete=row.percent_complete,
                budget_pence=row.budget_pence,
                spend_pence=spend_of(key, 0),
                latest_note=note.note if note is not None else "",
                latest_note_on=note.reported_on if note is not None else None,
                owner=row.owner_name,
                owner_email=row.owner_email if confidential else "",
                owner_phone=row.owner_phone if confidential else "",
                milestones=tuple(
                    [
                        PlanMilestone(
                            title,
                            milestone,
                            due_on,
                            done_on,
                            # A completed or cancelled action's milestones are not chased.
                            statuses[row.status] not in CLOSED_ACTION_STATUSES
                            and due_on is not None
                            and due_on < today
                            and (done_on is None or done_on > today),
                        )
                        for _order, milestone, due_on, done_on in own_milestones
                    ]
                )
                if own_milestones
                else (),
            )
        )
    report.check()

    # --- needs
    links_by_need: dict[str, list[tuple[str, str]]] = {}
    for need_key, organisation_key, name in rows.need_links:
        if need_key in need_keys:
            links_by_need.setdefault(need_key, []).append((organisation_key, name))
    needs: list[PlanNeed] = []
    shared = 0
    for need in rows.needs:
        links = links_by_need.get(need.key, [])
        if len(links) >= 2:
            shared += 1
        if partial:
            # Only the organisations of the extract and its co-partners are named.
            links = [(key, name) for key, name in links if key in appearing]
        appearing.update(key for key, _name in links)
        needs.append(
            PlanNeed(
                id=plan_queries.as_uuid(need.key),
                title=need.title,
                theme=theme_names.get(need.theme_key, "") if need.theme_key is not None else "",
                organisations=tuple(name for _key, name in links),
                priority=need.priority or "",
                status=need.status,
                action_count=actions_per_need.get(need.key, 0),
                notes="" if need.notes_confidential and not confidential else need.notes,
            )
        )

    return Plan(
        partnership=rows.partnership,
        area=rows.area,
        period=rows.period,
        generated_on=today,
        filters=described,
        confidential_included=confidential,
        summary=_summary(rows, actions, needs, shared),
        organisations=tuple(
            PlanOrganisation(
                name=row.name,
                short_name=row.short_name,
                type=rows.term_names.get(row.type_id, "") if row.type_id is not None else "",
                contact_name=row.contact_name if confidential else "",
                contact_email=row.contact_email if confidential else "",
            )
            for row in rows.organisations
            if whole or row.key in appearing
        ),
        needs=tuple(needs),
        actions=tuple(actions),
        indicators=_indicators(rows, whole, action_keys, need_keys),
    )


def _indicators(rows: _Rows, whole: bool, action_keys: set[str], need_keys: set[str]) -> tuple[PlanIndicator, ...]:
    """The indicators evidencing a need or action in the plan (every one in the whole partnership's plan)."""
    result: list[PlanIndicator] = []
    for row in rows.indicators:
        need_in = row.need_key is not None and (whole or row.need_key in need_keys)
        action_in = row.action_key is not None and (whole or row.action_key in action_keys)
        if not (whole or need_in or action_in):
            continue
        totals = rows.measurements.get(row.key)
        direction = Direction(row.direction)
        target_kind = TargetKind(row.target_kind)
        # By the indicators service's one rule: the running total for a cumulative indicator, the latest
        # measurement for a periodic one; its percent to target is worked out from that same value.
        actual = None if totals is None else actual_value(target_kind, totals.total, totals.latest_value)
        result.append(
            PlanIndicator(
                name=row.name,
                unit=row.unit,
                direction=direction.value,
                baseline_value=row.baseline_value,
                baseline_on=row.baseline_on,
                target_value=row.target_value,
                target_on=row.target_on,
                actual_value=actual,
                latest_on=totals.latest_on if totals is not None else None,
                percent_to_target=progress_to_target(
                    direction, target_kind, row.baseline_value, row.target_value, actual
                ),
                evidences=row.need_title if need_in else row.action_title if action_in else "",
            )
        )
    return tuple(result)


def _first(item: tuple[int, str, date | None, date | None]) -> int:
    return item[0]


def _selected_organisations(
    rows: list[plan_queries.OrganisationRow], names: tuple[str, ...]
) -> list[plan_queries.OrganisationRow]:
    """The organisations named (by name, or else by short name, ignoring case and spaces), in the order given."""
    chosen: dict[str, plan_queries.OrganisationRow] = {}
    unknown: list[str] = []
    for name in names:
        if not name.strip():
            continue
        wanted = normalise_name(name)
        found = [row for row in rows if normalise_name(row.name) == wanted]
        if not found:
            found = [row for row in rows if row.short_name and normalise_name(row.short_name) == wanted]
        if not found:
            unknown.append(name)
        for row in found:
            chosen.setdefault(row.key, row)
    if unknown:
        message = unknown_value_message("organisation", unknown[0], [row.name for row in rows])
        if len(unknown) > 1:
            message += ". Not known either: " + ", ".join(f'"{name.strip()}"' for name in unknown[1:])
        raise ValidationError({"organisation": message})
    return list(chosen.values())


def _summary(rows: _Rows, actions: list[PlanAction], needs: list[PlanNeed], shared: int) -> PlanSummary:
    by_status = dict.fromkeys(ActionStatus, 0)
    by_rag = {Rag.RED.value: 0, Rag.AMBER.value: 0, Rag.GREEN.value: 0, _NOT_RATED: 0}
    theme_names = {row.key: row.name for row in rows.themes}
    # needs, actions, budget, spend per theme key ("" for no theme)
    per_theme: dict[str, list[int]] = {}
    for action, row in zip(actions, rows.actions, strict=True):
        by_status[action.status] += 1
        if action.status not in CLOSED_ACTION_STATUSES:  # open actions only, as the dashboard counts them
            by_rag[action.rag.value if action.rag is not None else _NOT_RATED] += 1
        totals = per_theme.setdefault(row.theme_key if row.theme_key in theme_names else "", [0, 0, 0, 0])
        totals[1] += 1
        totals[2] += action.budget_pence or 0
        totals[3] += action.spend_pence
    for need in rows.needs:
        per_theme.setdefault(need.theme_key if need.theme_key in theme_names else "", [0, 0, 0, 0])[0] += 1
    ordered = [row.key for row in rows.themes if row.key in per_theme]
    if "" in per_theme:
        ordered.append("")
    return PlanSummary(
        by_status=tuple(CountRow(status.value, count) for status, count in by_status.items()),
        by_rag=tuple(CountRow(label, count) for label, count in by_rag.items()),
        by_theme=tuple(ThemeRow(theme_names.get(key, _NO_THEME), *per_theme[key]) for key in ordered),
        budget_pence=sum(action.budget_pence or 0 for action in actions),
        spend_pence=sum(action.spend_pence for action in actions),
        needs_total=len(needs),
        shared_needs=shared,
        actions_total=len(actions),
    )
