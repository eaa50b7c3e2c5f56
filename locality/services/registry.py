"""All services of one open workspace, built together: the composition root hands this to the UI and CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from locality.services.actions import ActionService
from locality.services.board_report import BoardReportService
from locality.services.bulk_edits import BulkEditService
from locality.services.chase import ChaseService
from locality.services.context import ServiceContext, User
from locality.services.dashboard import DashboardService
from locality.services.evidence_report import EvidenceReportService
from locality.services.funding import FundingService
from locality.services.history import HistoryService
from locality.services.indicators import IndicatorService
from locality.services.need_analysis import NeedAnalysisService
from locality.services.needs import NeedService
from locality.services.needs_map import NeedsMapService
from locality.services.network import NetworkService
from locality.services.organisations import OrganisationService
from locality.services.partnership_setup import PartnershipSetUpService
from locality.services.permissions import AccountRights
from locality.services.progress import ProgressService
from locality.services.similar_needs import SimilarNeedsService
from locality.services.snapshots import SnapshotService
from locality.services.support import SupportService
from locality.services.support_matching import SupportMatchingService
from locality.services.timeline import TimelineService
from locality.services.vocabulary import VocabularyService
from locality.services.what_works import WhatWorksService
from locality.services.workshops import WorkshopService
from locality.services.workspace_info import WorkspaceInfoService
from locality.store.creation import new_workspace_aside
from locality.store.workspace import Workspace, open_workspace


class Services:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self.vocabulary = VocabularyService(context)
        self.organisations = OrganisationService(context)
        self.needs = NeedService(context)
        self.needs_map = NeedsMapService(context)
        self.analysis = NeedAnalysisService(context)
        self.network = NetworkService(context)
        self.similar_needs = SimilarNeedsService(context)
        self.actions = ActionService(context)
        self.bulk_edits = BulkEditService(context)
        self.progress = ProgressService(context)
        self.indicators = IndicatorService(context)
        self.funding = FundingService(context)
        self.workshops = WorkshopService(context)
        self.support = SupportService(context)
        self.snapshots = SnapshotService(context)
        self.dashboard = DashboardService(context)
        self.board_report = BoardReportService(context, self.dashboard, self.actions, self.snapshots)
        self.timeline = TimelineService(context)
        self.history = HistoryService(context)
        self.workspace = WorkspaceInfoService(context)
        self.set_up = PartnershipSetUpService(context)
        self.chase = ChaseService(context)
        self.support_matching = SupportMatchingService(context, self.support)
        self.what_works = WhatWorksService(context)
        self.evidence_report = EvidenceReportService(context, self.what_works, self.funding, self.workspace)
        #: What the account the workspace was opened with may change (a partner's account on a server: little).
        self.rights = AccountRights.read(context)

    @classmethod
    def open(
        cls,
        target: str | Path,
        user: User | None = None,
        *,
        create_missing: bool = True,
        read_only: bool = False,
        today: Callable[[], date] = date.today,
    ) -> Services:
        workspace: Workspace = open_workspace(target, create_missing=create_missing, read_only=read_only)
        return cls(ServiceContext(workspace, user, today))

    @classmethod
    @contextmanager
    def new_workspace(
        cls, path: Path, user: User | None = None, *, today: Callable[[], date] = date.today
    ) -> Iterator[Services]:
        """A new workspace at ``path``, filled by the block and put in place only when the block succeeds.

        Nothing is left at ``path`` if the block fails or is cancelled, and if another program creates ``path``
        meanwhile, ``WorkspaceExistsError`` is raised and their file is left alone.
        """
        with new_workspace_aside(path) as temporary:
            services = cls(ServiceContext(open_workspace(temporary, opened_as=path), user, today))
            try:
                yield services
            finally:
                services.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Every service call in the block as one transaction, all or nothing (``ServiceContext.batch``)."""
        with self.context.batch():
            yield

    @property
    def location(self) -> str:
        return self.context.workspace.location

    def close(self) -> None:
        self.context.workspace.close()
