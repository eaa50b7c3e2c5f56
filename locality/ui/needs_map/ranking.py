"""The needs map's Ranking tab: needs in order of a score built from their priority, the organisations sharing
them and their workshop dots. The formula is written out in words above the table and its weights can be set;
each row shows how its score was made."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.text import plural
from locality.services.need_analysis import MAX_WEIGHT, RankedNeed, Ranking, RankingFormula
from locality.ui.env import UiEnv
from locality.ui.flow_layout import FlowLayout, together
from locality.ui.need_dialog import open_need
from locality.ui.needs_map.gaps import AnalysisTab
from locality.ui.style import set_tone
from locality.ui.table_model import Column
from locality.ui.tables import RowList

_PRIORITY_ORDER = {"High": 0, "Medium": 1, "Low": 2}


def ranking_columns() -> list[Column[RankedNeed]]:
    return [
        Column("Rank", lambda r: f"{r.rank:,}", sort_key=lambda r: r.rank, align_right=True, width=70),
        Column("Need", lambda r: r.title, width=320, tooltip=lambda r: f"{r.title}\n{r.theme_name}".strip()),
        Column(
            "Priority",
            lambda r: f"{r.priority.value} ({r.priority_points})" if r.priority else "(not set) (0)",
            sort_key=lambda r: _PRIORITY_ORDER.get(r.priority.value, 3) if r.priority else 3,
            width=110,
        ),
        Column(
            "Organisations",
            lambda r: f"{r.organisations}",
            sort_key=lambda r: -r.organisations,
            align_right=True,
            width=125,
        ),
        Column("Dots", lambda r: f"{r.dots}", sort_key=lambda r: -r.dots, align_right=True, width=65),
        Column(
            "Score",
            lambda r: f"{r.score:,}",
            sort_key=lambda r: -r.score,
            align_right=True,
            width=75,
            tooltip=lambda r: r.explain(),
        ),
        Column("How the score is made", lambda r: r.explain(), sort_key=lambda r: -r.score, width=230),
    ]


class RankingTab(AnalysisTab):
    title = "Ranking"
    watches = frozenset(
        {Entity.NEED, Entity.NEED_ORGANISATION, Entity.ORGANISATION, Entity.WORKSHOP, Entity.WORKSHOP_VOTE}
    )

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.ranking: Ranking | None = None
        layout = QVBoxLayout(self)

        intro = QLabel(
            "Needs ranked to help decide which to act on first. Each need scores points for its priority, for "
            "each organisation sharing it and for each dot it received in workshop voting; set the weights to "
            "decide how much each counts. Equal scores share a rank."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.formula_label = QLabel()
        self.formula_label.setObjectName("rankingFormula")
        self.formula_label.setWordWrap(True)
        self.formula_label.setStyleSheet(
            "font-weight: 600; background: #e0f2f1; color: #102027; padding: 6px 8px; border-radius: 3px;"
        )
        layout.addWidget(self.formula_label)

        weights = FlowLayout()
        defaults = RankingFormula()
        self.priority_weight = self._weight(weights, "&Priority weight:", defaults.priority)
        self.organisations_weight = self._weight(weights, "&Organisations weight:", defaults.organisations)
        self.dots_weight = self._weight(weights, "Workshop &dots weight:", defaults.dots)
        self.reset_button = QPushButton("&Usual weights")
        self.reset_button.setToolTip(f"Back to {defaults.priority}, {defaults.organisations} and {defaults.dots}")
        self.reset_button.clicked.connect(self.reset_weights)
        weights.addWidget(self.reset_button)
        weights.addStretch(1)
        self.closed_box = QCheckBox("Include &met and closed needs")
        self.closed_box.toggled.connect(lambda _checked: self.refresh())
        weights.addWidget(self.closed_box)
        layout.addLayout(weights)

        self.error_label = QLabel()
        self.error_label.setObjectName("rankingError")
        self.error_label.setWordWrap(True)
        set_tone(self.error_label, "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.table: RowList[RankedNeed] = RowList(ranking_columns(), "rankingTable", "Needs ranked by score")
        self.table.on_activated(lambda row: self._open_need(row.need_id))
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("rankingCount")
        layout.addWidget(self.count_label)

        # Weights are read a moment after the last change, so stepping a spin box does not rank on every step.
        self._weights_timer = QTimer(self)
        self._weights_timer.setSingleShot(True)
        self._weights_timer.setInterval(200)
        self._weights_timer.timeout.connect(self.refresh)
        for box in (self.priority_weight, self.organisations_weight, self.dots_weight):
            box.valueChanged.connect(lambda _value: self._weights_changed())
        self._show_formula(defaults)
        self.refresh()

    def _weight(self, layout: FlowLayout, text: str, value: int) -> QSpinBox:
        label = QLabel(text)
        box = QSpinBox()
        box.setRange(0, MAX_WEIGHT)
        box.setValue(value)
        box.setAccessibleName(text.replace("&", "").rstrip(":"))
        label.setBuddy(box)
        layout.addWidget(together(label, box))
        return box

    def formula(self) -> RankingFormula:
        return RankingFormula(
            priority=self.priority_weight.value(),
            organisations=self.organisations_weight.value(),
            dots=self.dots_weight.value(),
        )

    def set_weights(self, priority: int, organisations: int, dots: int) -> None:
        """Sets all three weights and ranks again once (not once per weight)."""
        for box, value in (
            (self.priority_weight, priority),
            (self.organisations_weight, organisations),
            (self.dots_weight, dots),
        ):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._weights_timer.stop()
        self.refresh()

    def reset_weights(self) -> None:
        defaults = RankingFormula()
        self.set_weights(defaults.priority, defaults.organisations, defaults.dots)

    def _weights_changed(self) -> None:
        self._show_formula(self.formula())
        self._weights_timer.start()

    def _show_formula(self, formula: RankingFormula) -> None:
        self.formula_label.setText(formula.describe())

    # ------------------------------------------------------------------ loading

    def refresh(self) -> None:
        formula = self.formula()
        self._show_formula(formula)
        try:
            formula.validated()
        except ValidationError as error:
            self.loader.generation += 1  # any ranking on its way is for other weights: dropped when it arrives
            self.error_label.setText(str(error))
            self.error_label.show()
            self.table.say("Set at least one weight above zero to rank the needs.")
            self.count_label.setText("")
            return
        self.error_label.hide()
        self._requested = (formula, self.closed_box.isChecked())
        super().refresh()

    def load(self) -> Ranking:
        formula, include_closed = self._requested
        return self.services.analysis.ranking(formula, include_closed=include_closed)

    def show_loading(self) -> None:
        if self.ranking is None:
            self.table.say("Ranking the needs…")

    def show_result(self, result: Ranking) -> None:
        self.ranking = result
        which = "needs" if result.include_closed else "open needs (met and closed needs left out)"
        self.table.set_rows(
            result.rows,
            "There are no needs to rank yet. Record needs on the Needs page, link them to the organisations "
            "that share them and give them a priority; workshop dot-voting adds to their scores."
            if result.include_closed
            else "No open needs to rank: every need is met or closed. Tick \u201cInclude met and closed needs\u201d "
            "to rank them all.",
        )
        self.count_label.setText(f"{plural(len(result.rows), 'need')} ranked: {which}." if result.rows else "")

    def _open_need(self, need_id: uuid.UUID) -> None:
        if open_need(self.env, need_id, self) is not None:
            self.refresh()
