"""The Find support dialog: the support directory's offers that fit a need, best first, with why each fits, and
the offers that would serve several partners' needs at once; a chosen offer starts a joint action.

Opened from a need (the Needs page, the need dialog) and from the needs map's Gaps tab, through ``find_support``.
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.support import is_web_address
from locality.domain.text import plural
from locality.domain.values import format_money_whole
from locality.services.actions import Action
from locality.services.support_matching import (
    DUPLICATION_DEFINITION,
    OfferMatch,
    SharedOffer,
    SupportForNeed,
)
from locality.ui.action_dialog import open_action
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.loader import BackgroundLoader
from locality.ui.table_model import Column, money_column
from locality.ui.tables import RowList, section_heading

_START_TIP = "A new action commissioned from the chosen offer, for this need's partners"


@dataclass(frozen=True)
class _Ranked:
    """An offer as the first table lists it: its place in the ranking and the offer."""

    place: int
    match: OfferMatch


def _days(days: int | None) -> str:
    return "" if days is None else plural(days, "day")


def _match_columns() -> list[Column[_Ranked]]:
    return [
        Column("#", lambda r: str(r.place), sort_key=lambda r: r.place, align_right=True, width=36),
        Column("Offer", lambda r: r.match.title, width=230, tooltip=lambda r: r.match.title),
        Column("Provider", lambda r: r.match.provider_name, width=190, tooltip=lambda r: r.match.provider_name),
        Column("Why it fits", lambda r: r.match.why, width=340, tooltip=lambda r: r.match.why),
        Column("Level", lambda r: r.match.delivery_level_name, width=90),
        money_column("Cost", lambda r: r.match.typical_cost_pence, width=80, whole_pounds=True),
        Column("Duration", lambda r: _days(r.match.duration_days), sort_key=lambda r: r.match.duration_days, width=75),
        Column(
            "Also serves",
            lambda r: plural(len(r.match.also_fits), "other need") if r.match.also_fits else "",
            sort_key=lambda r: len(r.match.also_fits),
            tooltip=lambda r: r.match.duplication_text,
            width=95,
        ),
    ]


def _shared_columns() -> list[Column[SharedOffer]]:
    return [
        Column("Offer", lambda o: o.title, width=230, tooltip=lambda o: o.title),
        Column("Provider", lambda o: o.provider_name, width=190),
        Column(
            "Partners",
            lambda o: str(o.organisation_count),
            sort_key=lambda o: o.organisation_count,
            align_right=True,
            width=80,
        ),
        Column("Needs it would serve", lambda o: o.needs_text, width=420, tooltip=lambda o: o.needs_text),
        money_column("Cost", lambda o: o.typical_cost_pence, width=80, whole_pounds=True),
    ]


def _offer_details(match: OfferMatch) -> str:
    """The chosen offer in full, as rich text, every value escaped: what it is, why it fits, who else it would
    serve, and its web page (a link only when it is http or https)."""
    e = html.escape
    facts = [
        part
        for part in (
            match.support_type_name,
            match.delivery_level_name and f"{match.delivery_level_name} level",
            format_money_whole(match.typical_cost_pence)
            and f"typical cost {format_money_whole(match.typical_cost_pence)}",
            _days(match.duration_days),
        )
        if part
    ]
    lines = [f"<b>{e(match.title)}</b> — {e(match.provider_name)}"]
    if facts:
        lines.append(e(" · ".join(facts)))
    if match.theme_names:
        lines.append("Serves: " + e("; ".join(match.theme_names)))
    lines.append("Why it fits: " + e("; ".join(match.reasons)))
    if match.eligibility:
        lines.append("Eligibility: " + e(match.eligibility))
    if match.also_fits:
        lines.append(f"<b>{e(match.duplication_text)}.</b>")
    if match.url and is_web_address(match.url):  # only an http(s) page is a link that opens
        lines.append(f'<a href="{e(match.url, quote=True)}">{e(match.url)}</a>')
    elif match.url:
        lines.append(e(match.url))
    return "<br>".join(lines)


class FindSupportDialog(QDialog):
    """The offers that fit one need, and the offers serving several partners; Start a joint action on one."""

    def __init__(self, env: UiEnv, need_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findSupportDialog")
        self.setWindowTitle("Find support")
        self.setMinimumSize(900, 560)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(
            min(1280, screen.width() - 40) if screen else 1100, min(680, screen.height() - 60) if screen else 640
        )
        self.env = env
        self.services = env.services
        self.need_id = need_id
        self.support: SupportForNeed | None = None
        self.shared_offers: list[SharedOffer] | None = None
        self.saved_actions: list[Action] = []
        # Two loads: the offers for this need come quickly; the offers serving several partners rank every open
        # need, and are not waited for.
        self.loader = BackgroundLoader(self, self.refresh)
        self.shared_loader = BackgroundLoader(self, self.refresh)

        layout = QVBoxLayout(self)
        self.heading = section_heading("findSupportHeading", "Finding support…")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.need_line = QLabel()
        self.need_line.setObjectName("findSupportNeed")
        self.need_line.setWordWrap(True)
        layout.addWidget(self.need_line)

        # How offers are ranked, said above the tabs (a wrapped label inside a tab is squeezed to fewer lines
        # than its text needs).
        self.rule = QLabel()
        self.rule.setObjectName("findSupportRule")
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.rule)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        # The offers for this need.
        offers_page = QWidget()
        offers_layout = QVBoxLayout(offers_page)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        # Wrapped, not cut short: why an offer fits is read whole.
        self.matches: RowList[_Ranked] = RowList(
            _match_columns(), "findSupportTable", "Offers that fit the need", stretch_column=3, wrap=True
        )
        splitter.addWidget(self.matches)
        self.details = QLabel()
        self.details.setObjectName("offerDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setOpenExternalLinks(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setContentsMargins(6, 6, 6, 6)
        details_scroll = QScrollArea()
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        details_scroll.setWidget(self.details)
        splitter.addWidget(details_scroll)
        splitter.setSizes([300, 150])
        offers_layout.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("&Start a joint action…")
        self.start_button.setObjectName("startJointActionButton")
        self.start_button.setToolTip(_START_TIP)
        self.start_button.clicked.connect(self.start_joint_action)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("jointActionSaved")
        self.saved_label.setWordWrap(True)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.saved_label, 1)
        offers_layout.addLayout(buttons)
        self.tabs.addTab(offers_page, "Offers for this need")

        # The offers that needs of several partners call on.
        shared_page = QWidget()
        shared_layout = QVBoxLayout(shared_page)
        definition = QLabel(DUPLICATION_DEFINITION)
        definition.setObjectName("duplicationDefinition")
        definition.setWordWrap(True)
        shared_layout.addWidget(definition)
        self.shared: RowList[SharedOffer] = RowList(
            _shared_columns(),
            "sharedOffersTable",
            "Offers that would serve several partners",
            stretch_column=3,
            wrap=True,
        )
        shared_layout.addWidget(self.shared, 1)
        # Those serving most partners first.
        self.shared.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.tabs.addTab(shared_page, "Serving several partners")

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

        self.matches.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.matches.say("Finding the offers that fit this need…")
        self.shared.say("Finding the offers that would serve several partners…")
        self._show_selected()
        self.refresh()

    # ------------------------------------------------------------------ loading

    @property
    def loading(self) -> bool:
        return self.loader.busy or self.shared_loader.busy

    def refresh(self) -> None:
        need_id = self.need_id
        matching = self.services.support_matching
        self.loader.start(lambda: matching.find_support(need_id), self._show_result, self._show_failure)
        self.shared_loader.start(matching.shared_offers, self._show_shared, self._show_failure)

    def _show_failure(self, error: BaseException) -> None:
        self.matches.say("The offers could not be read.")
        show_error(self, error, "Find support")

    def _show_result(self, support: SupportForNeed) -> None:
        self.support = support
        self.heading.setText(f"Support for \u201c{support.need_title}\u201d")
        theme = support.theme_name or "no theme"
        self.need_line.setText(f"{theme} · {support.shared_by_text} · {support.need_status.value}")
        self.rule.setText(support.rule)
        self.matches.set_rows(
            [_Ranked(place, match) for place, match in enumerate(support.matches, 1)], self._no_match_text(support)
        )
        self.matches.select_first()  # the best offer, ready for Start a joint action
        count = len(support.matches)
        self.tabs.setTabText(0, f"Offers for this need ({count})")
        self._show_selected()

    def _show_shared(self, shared: list[SharedOffer]) -> None:
        self.shared_offers = shared
        self.shared.set_rows(
            list(shared),
            "No offer is called on by the needs of two or more partners yet: each partner's best offers differ, "
            "or the directory has none that serves their themes.",
        )
        self.tabs.setTabText(1, f"Serving several partners ({len(shared)})")

    @staticmethod
    def _no_match_text(support: SupportForNeed) -> str:
        if support.offer_count == 0:
            return (
                "The support directory has no active offers yet. Add providers and their offers on the Support "
                "directory page, then look again."
            )
        offers = plural(support.offer_count, "active offer")
        if not support.theme_name:
            return (
                f"This need has no theme, and none of the {offers} is the kind of support its wording asks for. "
                "Give the need a theme to see the offers that serve it."
            )
        return (
            f"None of the {offers} in the support directory serves {support.theme_name} or a theme beside it. "
            "Add an offer that serves it on the Support directory page."
        )

    # ------------------------------------------------------------------ the chosen offer

    def selected_match(self) -> OfferMatch | None:
        chosen = self.matches.selected()
        return chosen.match if chosen is not None else None

    def _show_selected(self) -> None:
        match = self.selected_match()
        self.details.setText(_offer_details(match) if match is not None else "")
        rights = self.services.rights
        may_add = rights.may_add(Entity.ACTION)
        self.start_button.setEnabled(match is not None and may_add)
        self.start_button.setToolTip(
            rights.reason
            if not may_add
            else "A new action commissioned from the chosen offer, for this need's partners"
        )

    def start_joint_action(self) -> None:
        """Opens a new action commissioned from the chosen offer, for the need's partners; saved through the
        action service (its checks, undoable) like any new action."""
        match = self.selected_match()
        if match is None or self.support is None:
            return
        try:
            start = self.services.support_matching.joint_action(self.support, match)
        except Exception as error:  # e.g. the file busy
            show_error(self, error, "Start a joint action")
            return
        saved = open_action(self.env, None, self, start=start.draft, offer_label=start.offer_label)
        if saved is None:
            return
        self.saved_actions.append(saved)
        self.saved_label.setText(f"Saved the joint action \u201c{saved.title}\u201d (Edit ▸ Undo takes it back).")
        self.refresh()


def find_support(env: UiEnv, need_id: uuid.UUID, parent: QWidget | None) -> list[Action]:
    """Shows the Find support dialog for a need; returns the joint actions saved from it (often none)."""
    dialog = FindSupportDialog(env, need_id, parent)
    dialog.exec()
    return dialog.saved_actions
