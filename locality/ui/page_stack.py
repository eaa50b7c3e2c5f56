"""The main window's pages, each built the first time it is wanted: shown, or asked for by name.

Building all eleven pages up front cost half a second of every launch on a large workspace (some list what they
show as they are built) before the dashboard's figures could appear; a coordinator who opens the app to glance
at the dashboard need not pay for the pages they do not visit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from PySide6.QtWidgets import QStackedWidget, QWidget

from locality.ui.env import UiEnv
from locality.ui.pages import PageSpec


class LazyPages(Mapping[str, QWidget]):
    """Every page of ``specs`` by object name, in navigation order. A page is built on first access and added
    to ``stack``, which holds only the pages built so far (shown by widget, not by index).

    Iterating gives every name; ``built()`` only the pages built so far, which is what a change or a saved
    layout concerns (a page not yet built reads everything fresh when it is built)."""

    def __init__(self, specs: Sequence[PageSpec], env: UiEnv, stack: QStackedWidget) -> None:
        self._specs = {spec.object_name: spec for spec in specs}
        self._order = list(self._specs)
        self._env = env
        self._stack = stack
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, name: str) -> QWidget:
        page = self._built.get(name)
        if page is not None:
            return page
        spec = self._specs[name]  # KeyError for a name that is no page, as a dict would
        page = spec.build(self._env, self._stack)
        page.setObjectName(spec.object_name)
        self._stack.addWidget(page)
        self._built[name] = page
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def index(self, name: str) -> int:
        return self._order.index(name)

    def show(self, index: int) -> None:
        """Shows the page at ``index`` (a navigation row), building it first if it has not been."""
        if 0 <= index < len(self._order):
            self._stack.setCurrentWidget(self[self._order[index]])

    def built(self) -> list[QWidget]:
        """The pages built so far, in navigation order."""
        return [self._built[name] for name in self._order if name in self._built]

    def clear(self) -> None:
        """Removes every page from the stack (a workspace is being replaced)."""
        while (widget := self._stack.widget(0)) is not None:
            self._stack.removeWidget(widget)
            widget.deleteLater()
        self._built.clear()
