"""Entry script for the PyInstaller bundle (see locality.spec): runs the ``locality`` command."""

import os
import sys

# The windowed build starts on Windows without a console, with sys.stdout and sys.stderr set to None: the
# commands (demo, check, export…) would fail on their first print. Their output goes nowhere instead; the exit
# status and the log file still tell how they went.
for stream in ("stdout", "stderr"):
    if getattr(sys, stream) is None:
        setattr(sys, stream, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - open for the whole run

from locality.cli import main  # noqa: E402 - after the streams exist

raise SystemExit(main())
