"""One named logger per area (``locality.store``, ``locality.ui``...), written to a rotating file in the user's
data folder so that an unexpected error can be reported with its traceback."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from locality.paths import log_dir

LOG_FILE_NAME = "locality.log"
#: A log kept to a few megabytes however long the app runs: five old files of 1 MB besides the current one.
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


def configure_logging(level: int = logging.INFO) -> Path:
    path = log_file()
    root = logging.getLogger("locality")
    if not any(isinstance(handler, logging.handlers.RotatingFileHandler) for handler in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path
