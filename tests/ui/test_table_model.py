"""``RowTableModel`` on its own, without a window: Qt's model checks (pytest-qt's ``qtmodeltester``) hold when the
model is empty, filled, sorted and fed more rows lazily, and the rows come out in the order the columns say."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from locality.domain.values import format_money
from locality.ui.table_model import BATCH, Column, RowTableModel, money_column


@dataclass(frozen=True)
class Thing:
    name: str
    pence: int | None
    rank: int


def make_model() -> RowTableModel[Thing]:
    return RowTableModel(
        [
            Column("Name", lambda t: t.name, tooltip=lambda t: f"About {t.name}"),
            money_column("Budget", lambda t: t.pence, foreground=lambda t: QColor("red") if t.pence else None),
            Column("Rank", lambda t: str(t.rank), sort_key=lambda t: t.rank, align_right=True),
        ]
    )


def things(count: int) -> list[Thing]:
    return [
        Thing(f"Thing {number:05}", number * 100 if number % 3 else None, count - number) for number in range(count)
    ]


def column_texts(model: RowTableModel[Thing], column: int) -> list[str]:
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


@pytest.mark.parametrize("force_py", [False, True], ids=["qt", "python"])
def test_empty_model_passes_the_model_checks(qtmodeltester: Any, force_py: bool) -> None:
    model = make_model()
    qtmodeltester.check(model, force_py=force_py)
    assert model.rowCount() == 0 and model.columnCount() == 3
    assert not model.canFetchMore(QModelIndex())
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Budget"


@pytest.mark.parametrize("force_py", [False, True], ids=["qt", "python"])
def test_model_with_rows_passes_the_model_checks(qtmodeltester: Any, force_py: bool) -> None:
    model = make_model()
    model.set_rows(things(5))
    qtmodeltester.check(model, force_py=force_py)
    assert model.rowCount() == 5
    assert model.data(model.index(1, 1)) == "£1.00"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "About Thing 00001"
    assert model.data(model.index(0, 2), Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )


@pytest.mark.parametrize("force_py", [False, True], ids=["qt", "python"])
def test_sorted_model_passes_the_model_checks(qtmodeltester: Any, force_py: bool) -> None:
    model = make_model()
    model.set_rows(things(7))
    model.sort(2, Qt.SortOrder.AscendingOrder)  # by rank, which runs the other way from the names
    qtmodeltester.check(model, force_py=force_py)  # the checker stays attached through the changes below
    assert column_texts(model, 2) == [str(rank) for rank in range(1, 8)]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    budgets = column_texts(model, 1)
    assert budgets[:4] == ["£5.00", "£4.00", "£2.00", "£1.00"]
    assert len(budgets) == 7 and set(budgets[4:]) == {format_money(None)}  # no amount sorts last either way
    model.set_rows(things(3))  # new rows keep the chosen order
    assert column_texts(model, 0) == ["Thing 00002", "Thing 00001", "Thing 00000"]


@pytest.mark.parametrize("force_py", [False, True], ids=["qt", "python"])
def test_lazily_fetched_rows_pass_the_model_checks(qtmodeltester: Any, force_py: bool) -> None:
    model = make_model()
    model.set_rows(things(BATCH * 2 + 50))
    assert model.rowCount() == BATCH and model.total() == BATCH * 2 + 50
    assert model.canFetchMore(QModelIndex())
    qtmodeltester.check(model, force_py=force_py)  # and stays attached while more rows come in
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == BATCH * 2 + 50
    assert model.data(model.index(model.rowCount() - 1, 0)) == f"Thing {BATCH * 2 + 49:05}"
    assert model.index_where(lambda thing: thing.rank == 1) == BATCH * 2 + 49


def test_a_row_beyond_the_loaded_batch_is_fetched_when_asked_for(qtmodeltester: Any) -> None:
    model = make_model()
    model.set_rows(things(BATCH + 10))
    qtmodeltester.check(model)
    assert model.index_where(lambda thing: thing.name == f"Thing {BATCH + 5:05}") == BATCH + 5
    assert model.rowCount() == BATCH + 10
