"""The Support directory page: who offers improvement support and what — the providers above, their offers below
(filterable as you type, by provider, kind of support, theme and level; choosing a provider shows its offers), and
the chosen offer's details beneath with its web address as a link."""

from __future__ import annotations

import html
import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from locality.domain.entities import Entity
from locality.domain.support import SupportOffer, SupportProvider, is_web_address
from locality.domain.text import plural
from locality.domain.values import format_money
from locality.domain.vocabulary import VocabularyKind
from locality.services.context import Changes
from locality.ui.edit_dialog import run_dialog
from locality.ui.env import UiEnv
from locality.ui.list_page import ListPage
from locality.ui.page import Page
from locality.ui.support.dialogs import OfferDialog, ProviderDialog
from locality.ui.table_model import Column
from locality.ui.undo import push_deleted

DIRECTORY = frozenset(
    {Entity.SUPPORT_PROVIDER, Entity.SUPPORT_OFFER, Entity.SUPPORT_OFFER_THEME, Entity.VOCABULARY_TERM, Entity.THEME}
)


class ProviderList(ListPage[SupportProvider]):
    title = "Support providers"
    noun = "provider"
    plural = "providers"
    changes = Entity.SUPPORT_PROVIDER
    watches = DIRECTORY
    show_heading = False
    table_name = "providersTable"
    stretch_column = 3

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.new_button.setText("New pro&vider…")
        self.edit_button.setText("Ed&it…")
        self.delete_button.setText("De&lete")
        vocabulary = env.services.vocabulary
        self.add_filter(
            "kind", "Kinds", lambda: [(term.name, term.name) for term in vocabulary.terms(VocabularyKind.PROVIDER)]
        )

    def columns(self) -> Sequence[Column[SupportProvider]]:
        return [
            Column("Provider", lambda p: p.name if p.active else f"{p.name} (not active)", width=380),
            Column("Kind", lambda p: p.kind_name, width=210),
            Column("Region", lambda p: p.region or "National", width=110),
            Column("Website", lambda p: p.website, width=230),
            Column(
                "Offers", lambda p: f"{p.offer_count:,}", sort_key=lambda p: p.offer_count, align_right=True, width=55
            ),
        ]

    def load_rows(self) -> list[SupportProvider]:
        return self.services.support.providers()

    def search_text(self, row: SupportProvider) -> str:
        return f"{row.name} {row.kind_name} {row.region}".casefold()

    def matches(self, row: SupportProvider) -> bool:
        kind = self.filter_value("kind")
        return kind is None or row.kind_name == kind

    def describe(self, row: SupportProvider) -> str:
        return row.name

    def open_editor(self, row: SupportProvider | None) -> None:
        current = self.services.support.provider(row.id) if row is not None else None
        saved = run_dialog(ProviderDialog(self.env, current, self))
        if saved is not None:
            self.select_where(lambda p: p.id == saved.id)

    def delete_rows(self, rows: list[SupportProvider]) -> None:
        support = self.services.support
        ids = [row.id for row in rows]
        deleted = support.delete_providers(ids)
        text = f"delete provider {rows[0].name}" if len(rows) == 1 else f"delete {len(rows)} providers"
        push_deleted(self.env.undo_stack, text, ids, deleted, support.delete_providers, support.restore, self)


class OfferList(ListPage[SupportOffer]):
    title = "Support offers"
    noun = "offer"
    plural = "offers"
    changes = Entity.SUPPORT_OFFER
    watches = DIRECTORY
    show_heading = False
    table_name = "offersTable"
    stretch_column = 0

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.new_button.setText("&New offer…")
        services = env.services
        self._theme_parent: dict[uuid.UUID, uuid.UUID | None] = {}

        def providers() -> list[tuple[str, object]]:
            return [(provider.name, provider.id) for provider in services.support.providers()]

        def themes() -> list[tuple[str, object]]:
            listed = services.vocabulary.themes()
            self._theme_parent = {theme.id: theme.parent_id for theme in listed}
            return [(theme.full_name, theme.id) for theme in listed]

        def terms(kind: VocabularyKind) -> list[tuple[str, object]]:
            return [(term.name, term.name) for term in services.vocabulary.terms(kind)]

        self.add_filter("provider", "Providers", providers)
        self.add_filter("support_type", "Kinds of support", lambda: terms(VocabularyKind.SUPPORT_TYPE))
        self.add_filter("theme", "Themes", themes)
        self.add_filter("level", "Levels", lambda: terms(VocabularyKind.DELIVERY_LEVEL))
        self.search.setPlaceholderText("Search offers, providers, eligibility…")

    def columns(self) -> Sequence[Column[SupportOffer]]:
        return [
            Column("Offer", lambda o: o.title if o.active else f"{o.title} (not active)", width=200),
            Column("Provider", lambda o: o.provider_name, width=180),
            Column("Kind of support", lambda o: o.support_type_name, width=125),
            Column("Themes", lambda o: "; ".join(o.theme_names), width=200),
            Column("Level", lambda o: o.delivery_level_name, width=85),
            Column(
                "Typical cost",
                lambda o: cost_text(o.typical_cost_pence),
                sort_key=lambda o: -1 if o.typical_cost_pence is None else o.typical_cost_pence,
                align_right=True,
                width=85,
            ),
            Column(
                "Days",
                lambda o: "" if o.duration_days is None else f"{o.duration_days:,}",
                sort_key=lambda o: o.duration_days or 0,
                align_right=True,
                width=40,
            ),
        ]

    def load_rows(self) -> list[SupportOffer]:
        return self.services.support.offers()

    def search_text(self, row: SupportOffer) -> str:
        parts = (row.title, row.provider_name, row.support_type_name, *row.theme_names, row.eligibility, row.notes)
        return " ".join(parts).casefold()

    def matches(self, row: SupportOffer) -> bool:
        provider = self.filter_value("provider")
        if provider is not None and row.provider_id != provider:
            return False
        support_type = self.filter_value("support_type")
        if support_type is not None and row.support_type_name != support_type:
            return False
        level = self.filter_value("level")
        if level is not None and row.delivery_level_name != level:
            return False
        theme = self.filter_value("theme")
        # A theme keeps the offers serving it or one of its service areas.
        return theme is None or any(
            theme_id == theme or self._theme_parent.get(theme_id) == theme for theme_id in row.theme_ids
        )

    def describe(self, row: SupportOffer) -> str:
        return row.title

    def open_editor(self, row: SupportOffer | None) -> None:
        current = self.services.support.offer(row.id) if row is not None else None
        chosen = self.filter_value("provider") if row is None else None
        saved = run_dialog(OfferDialog(self.env, current, self, provider_id=chosen))
        if saved is not None:
            self.select_where(lambda o: o.id == saved.id)

    def delete_rows(self, rows: list[SupportOffer]) -> None:
        support = self.services.support
        ids = [row.id for row in rows]
        deleted = support.delete_offers(ids)
        text = f"delete offer {rows[0].title}" if len(rows) == 1 else f"delete {len(rows)} offers"
        push_deleted(self.env.undo_stack, text, ids, deleted, support.delete_offers, support.restore, self)


def cost_text(pence: int | None) -> str:
    """An offer's typical cost: "£2,500.00", "Free" for nothing to pay, "" when not known."""
    if pence is None:
        return ""
    return format_money(pence) if pence else "Free"


def offer_details_html(offer: SupportOffer) -> str:
    """The chosen offer in a few lines, every value escaped; its web address a link only when it is http(s)."""
    facts = [
        offer.support_type_name,
        offer.delivery_level_name and f"{offer.delivery_level_name} level",
        offer.typical_cost_pence is not None and f"typically {cost_text(offer.typical_cost_pence).lower()}",
        offer.duration_days is not None and plural(offer.duration_days, "day"),
    ]
    lines = [
        f"<b>{html.escape(offer.title)}</b> — {html.escape(offer.provider_name)}"
        + (f" ({html.escape(offer.provider_kind_name)})" if offer.provider_kind_name else ""),
        html.escape(" · ".join(str(fact) for fact in facts if fact)),
    ]
    if offer.theme_names:
        lines.append("Themes: " + html.escape("; ".join(offer.theme_names)))
    if offer.eligibility:
        lines.append("Eligibility: " + html.escape(offer.eligibility))
    if offer.url and is_web_address(offer.url):
        address = html.escape(offer.url, quote=True)
        lines.append(f'<a href="{address}">{address}</a>')
    elif offer.url:  # stored before the rules, or merged in: shown, never followed
        lines.append("Web address (not a web page, so not opened): " + html.escape(offer.url))
    return "<br>".join(line for line in lines if line)


def open_web_address(address: str) -> bool:
    """Opens ``address`` in the browser if it is an http(s) web page; anything else is never handed on."""
    if not is_web_address(address):
        return False
    return bool(QDesktopServices.openUrl(QUrl(address, QUrl.ParsingMode.StrictMode)))


class SupportPage(Page):
    title = "Support directory"
    watches = DIRECTORY

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        top.addWidget(heading, 1)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setObjectName("exportDirectoryButton")
        self.export_button.setToolTip("Write the providers or the offers to a CSV or Excel file")
        self.export_button.clicked.connect(self.export_directory)
        top.addWidget(self.export_button)
        layout.addLayout(top)

        self.providers = ProviderList(env)
        self.providers.setObjectName("providerList")
        self.offers = OfferList(env)
        self.offers.setObjectName("offerList")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.offers, 1)
        self.details = QLabel()
        self.details.setObjectName("offerDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.details.setOpenExternalLinks(False)  # every link goes through open_web_address's check
        self.details.linkActivated.connect(open_web_address)
        self.details.setMinimumHeight(70)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        right_layout.addWidget(self.details)

        # Providers above their offers: both tables get the page's full width, which long names need at 1366.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.providers)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        self.providers.table.selectionModel().selectionChanged.connect(self._provider_chosen)
        self.offers.table.selectionModel().selectionChanged.connect(self._show_offer)
        self.offers.model.modelReset.connect(self._show_offer)
        self._show_offer()

    # ------------------------------------------------------------------ the two lists together

    def _provider_chosen(self) -> None:
        """Choosing one provider shows its offers; choosing none (or several) shows every provider's."""
        chosen = self.providers.selected_rows()
        self.offers.set_filter("provider", chosen[0].id if len(chosen) == 1 else None)

    def _show_offer(self) -> None:
        rows = self.offers.selected_rows()
        if len(rows) == 1:
            self.details.setText(offer_details_html(rows[0]))
        else:
            self.details.setText("Choose an offer to see who may have it and where to find out more.")

    # ------------------------------------------------------------------ what the main window asks of a page

    def on_changes(self, changes: Changes) -> None:
        self.providers.on_changes(changes)
        self.offers.on_changes(changes)

    def _focused(self) -> ProviderList | OfferList:
        return self.providers if self.providers.isAncestorOf(self.focusWidget() or self) else self.offers

    def open_editor(self, row: object = None) -> None:
        self._focused().open_editor(None)

    def edit_selected(self) -> None:
        self._focused().edit_selected()

    def delete_selected(self) -> None:
        self._focused().delete_selected()

    def focus_search(self) -> None:
        self.offers.focus_search()

    def save_table_state(self) -> None:
        self.providers.save_table_state()
        self.offers.save_table_state()

    def export_directory(self) -> None:
        from locality.ui.support.export_dialog import DirectoryExportDialog

        DirectoryExportDialog(self.env, self).exec()
