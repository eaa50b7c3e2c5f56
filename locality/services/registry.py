"""All services of one open workspace, each made when first asked for: the composition root hands this to the UI
and CLI."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from locality.services.context import ServiceContext, User
from locality.services.permissions import AccountRights
from locality.store.creation import new_workspace_aside
from locality.store.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    from locality.services.actions import ActionService
    from locality.services.board_report import BoardReportService
    from locality.services.bulk_edits import BulkEditService
    from locality.services.chase import ChaseService
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


S = TypeVar("S")


class _made_once(Generic[S]):  # noqa: N801 - used as a decorator, like functools.cached_property
    """A service made the first time it is asked for and kept, as ``functools.cached_property`` would, but made
    under the services' lock: two threads asking at once (a page's worker and the GUI thread) get the one
    service, with its one cache and its one lock, on every Python (3.12 dropped cached_property's own lock)."""

    def __init__(self, make: Callable[[Services], S]) -> None:
        self._make = make
        self._name = make.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, services: None, owner: type | None = None) -> _made_once[S]: ...
    @overload
    def __get__(self, services: Services, owner: type | None = None) -> S: ...
    def __get__(self, services: Services | None, owner: type | None = None) -> Any:
        if services is None:
            return self
        with services._making:  # reentrant: making one service may ask for another
            made = services.__dict__.get(self._name)
            if made is None:
                # Kept in the instance's own dictionary: later look-ups find it there, without this descriptor.
                made = services.__dict__[self._name] = self._make(services)
        return made


class Services:
    """Every service of one open workspace. Each is made (and its module imported) when first asked for: the
    window opens on the dashboard, and importing the other two dozen services and their queries before it could
    show took a quarter of a second of every launch on the large demo."""

    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self._making = threading.RLock()
        #: What the account the workspace was opened with may change (a partner's account on a server: little).
        self.rights = AccountRights.read(context)

    @_made_once
    def vocabulary(self) -> VocabularyService:
        from locality.services.vocabulary import VocabularyService

        return VocabularyService(self.context)

    @_made_once
    def organisations(self) -> OrganisationService:
        from locality.services.organisations import OrganisationService

        return OrganisationService(self.context)

    @_made_once
    def needs(self) -> NeedService:
        from locality.services.needs import NeedService

        return NeedService(self.context)

    @_made_once
    def needs_map(self) -> NeedsMapService:
        from locality.services.needs_map import NeedsMapService

        return NeedsMapService(self.context)

    @_made_once
    def analysis(self) -> NeedAnalysisService:
        from locality.services.need_analysis import NeedAnalysisService

        return NeedAnalysisService(self.context)

    @_made_once
    def network(self) -> NetworkService:
        from locality.services.network import NetworkService

        return NetworkService(self.context)

    @_made_once
    def similar_needs(self) -> SimilarNeedsService:
        from locality.services.similar_needs import SimilarNeedsService

        return SimilarNeedsService(self.context)

    @_made_once
    def actions(self) -> ActionService:
        from locality.services.actions import ActionService

        return ActionService(self.context)

    @_made_once
    def bulk_edits(self) -> BulkEditService:
        from locality.services.bulk_edits import BulkEditService

        return BulkEditService(self.context)

    @_made_once
    def progress(self) -> ProgressService:
        from locality.services.progress import ProgressService

        return ProgressService(self.context)

    @_made_once
    def indicators(self) -> IndicatorService:
        from locality.services.indicators import IndicatorService

        return IndicatorService(self.context)

    @_made_once
    def funding(self) -> FundingService:
        from locality.services.funding import FundingService

        return FundingService(self.context)

    @_made_once
    def workshops(self) -> WorkshopService:
        from locality.services.workshops import WorkshopService

        return WorkshopService(self.context)

    @_made_once
    def support(self) -> SupportService:
        from locality.services.support import SupportService

        return SupportService(self.context)

    @_made_once
    def snapshots(self) -> SnapshotService:
        from locality.services.snapshots import SnapshotService

        return SnapshotService(self.context)

    @_made_once
    def dashboard(self) -> DashboardService:
        from locality.services.dashboard import DashboardService

        return DashboardService(self.context)

    @_made_once
    def board_report(self) -> BoardReportService:
        from locality.services.board_report import BoardReportService

        return BoardReportService(self.context, self.dashboard, self.actions, self.snapshots)

    @_made_once
    def timeline(self) -> TimelineService:
        from locality.services.timeline import TimelineService

        return TimelineService(self.context)

    @_made_once
    def history(self) -> HistoryService:
        from locality.services.history import HistoryService

        return HistoryService(self.context)

    @_made_once
    def workspace(self) -> WorkspaceInfoService:
        from locality.services.workspace_info import WorkspaceInfoService

        return WorkspaceInfoService(self.context)

    @_made_once
    def set_up(self) -> PartnershipSetUpService:
        from locality.services.partnership_setup import PartnershipSetUpService

        return PartnershipSetUpService(self.context)

    @_made_once
    def chase(self) -> ChaseService:
        from locality.services.chase import ChaseService

        return ChaseService(self.context)

    @_made_once
    def support_matching(self) -> SupportMatchingService:
        from locality.services.support_matching import SupportMatchingService

        return SupportMatchingService(self.context, self.support)

    @_made_once
    def what_works(self) -> WhatWorksService:
        from locality.services.what_works import WhatWorksService

        return WhatWorksService(self.context)

    @_made_once
    def evidence_report(self) -> EvidenceReportService:
        from locality.services.evidence_report import EvidenceReportService

        return EvidenceReportService(self.context, self.what_works, self.funding, self.workspace)

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
