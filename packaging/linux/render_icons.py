"""Paints the application icon as PNGs for the hicolor icon theme, for desktops that do not draw SVG icons.

Usage (build-linux.sh runs it in the build environment, where PySide6 is installed):
    QT_QPA_PLATFORM=offscreen python render_icons.py ICON.svg HICOLOR_DIR NAME SIZE...
writes HICOLOR_DIR/<SIZE>x<SIZE>/apps/NAME.png for each size.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer


def render(svg: Path, hicolor: Path, name: str, sizes: list[int]) -> list[Path]:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not an SVG image Qt can draw")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = hicolor / f"{size}x{size}" / "apps" / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"render_icons: could not write {target}")
        target.chmod(0o644)
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    svg, hicolor, name, *sizes = argv
    QGuiApplication(sys.argv[:1])
    written = render(Path(svg), Path(hicolor), name, [int(size) for size in sizes])
    print(f"Icons: {', '.join(path.parent.parent.name for path in written)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
