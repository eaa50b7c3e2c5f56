"""The wrapping row of controls (filter bars): its height for a width is worked out once and kept until the row
changes, and a change (a control added, hidden, shown or grown) is always reflected."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from locality.ui.flow_layout import FlowLayout


def _row(qtbot, count: int) -> tuple[QWidget, FlowLayout, list[QPushButton]]:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    layout = FlowLayout(host)
    buttons = [QPushButton(f"A filter button {number}") for number in range(count)]
    for button in buttons:
        layout.addWidget(button)
    host.show()
    return host, layout, buttons


def test_the_height_for_a_width_follows_every_change_to_the_row(qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, layout, buttons = _row(qtbot, 3)
    narrow = max(button.sizeHint().width() for button in buttons) + 10  # one button a line
    three_lines = layout.heightForWidth(narrow)
    assert layout.heightForWidth(narrow) == three_lines  # asked again: the same answer
    assert layout.heightForWidth(10_000) < three_lines  # all on one line

    buttons[1].hide()
    buttons[2].hide()
    assert layout.heightForWidth(narrow) < three_lines

    buttons[1].show()
    buttons[2].show()
    assert layout.heightForWidth(narrow) == three_lines

    layout.addWidget(QPushButton("One more filter"))  # shown once the event loop runs, as Qt does
    qtbot.waitUntil(lambda: layout.heightForWidth(narrow) > three_lines, timeout=2_000)

    buttons[0].setMinimumHeight(200)  # a control that grows makes its line taller
    assert layout.heightForWidth(narrow) > three_lines + 150


def test_asking_again_for_the_same_width_does_not_lay_the_row_out_again(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _host, layout, _buttons = _row(qtbot, 4)
    arranged: list[bool] = []
    original = layout._arrange

    def counting(rect, *, move):  # type: ignore[no-untyped-def]
        arranged.append(move)
        return original(rect, move=move)

    monkeypatch.setattr(layout, "_arrange", counting)
    for _ in range(50):
        layout.heightForWidth(300)
    assert arranged.count(False) == 1


def test_asking_by_turns_for_two_widths_lays_the_row_out_once_for_each(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # As the page stack asks for a hidden page's width and its own, by turns, while the window settles.
    _host, layout, _buttons = _row(qtbot, 4)
    arranged: list[int] = []
    original = layout._arrange

    def counting(rect, *, move):  # type: ignore[no-untyped-def]
        arranged.append(rect.width())
        return original(rect, move=move)

    monkeypatch.setattr(layout, "_arrange", counting)
    heights = {width: layout.heightForWidth(width) for width in (250, 1000)}
    for _ in range(50):
        for width, height in heights.items():
            assert layout.heightForWidth(width) == height
    assert sorted(arranged) == [250, 1000]
