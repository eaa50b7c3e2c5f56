"""The evidence paper's content: what the partnership invested by funding source, what its completed actions
were (by type, provider, support offer and theme), how the indicators that evidence them moved, and which kinds
of support did best — the what-works tables, every figure with the number of actions behind it.

The renderers (``exchange/evidence_paper*``) only put what ``EvidenceReport`` holds into words and charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from locality.domain.entities import Entity
from locality.services.context import ServiceContext
from locality.services.funding import FundingService, SourceTotals
from locality.services.what_works import Evidence, Grouping, WhatWorks, WhatWorksService, group
from locality.services.workspace_info import WorkspaceInfoService


@dataclass(frozen=True)
class EvidenceReport:
    partnership: str
    area: str
    plan_period: str
    produced_on: date
    #: Allocated and spent per funding source over every live action (the sources' order).
    sources: tuple[SourceTotals, ...]
    #: How many live actions the plan holds, whatever their status.
    action_count: int
    evidence: Evidence
    by_type: WhatWorks
    by_provider: WhatWorks
    by_offer: WhatWorks
    by_theme: WhatWorks

    @property
    def allocated_pence(self) -> int:
        return sum(source.allocated_pence for source in self.sources)

    @property
    def spent_pence(self) -> int:
        return sum(source.spent_pence for source in self.sources)

    @property
    def completed(self) -> int:
        return self.by_type.total.count

    @property
    def any_offer(self) -> bool:
        """Whether any completed action was commissioned from the support directory."""
        return any(action.offer_name for action in self.evidence.actions)


class EvidenceReportService:
    def __init__(
        self,
        context: ServiceContext,
        what_works: WhatWorksService | None = None,
        funding: FundingService | None = None,
        workspace: WorkspaceInfoService | None = None,
    ) -> None:
        self._context = context
        self._what_works = what_works or WhatWorksService(context)
        self._funding = funding or FundingService(context)
        self._workspace = workspace or WorkspaceInfoService(context)

    def build(self) -> EvidenceReport:
        details = self._workspace.details()
        evidence = self._what_works.evidence()
        return EvidenceReport(
            partnership=details.partnership_name,
            area=details.area,
            plan_period=details.plan_period,
            produced_on=evidence.produced_on,
            sources=tuple(self._funding.totals_by_source()),
            action_count=self._workspace.count(Entity.ACTION),
            evidence=evidence,
            by_type=group(evidence, Grouping.ACTION_TYPE),
            by_provider=group(evidence, Grouping.PROVIDER),
            by_offer=group(evidence, Grouping.OFFER),
            by_theme=group(evidence, Grouping.THEME),
        )
