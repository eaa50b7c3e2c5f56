"""The workshop record: a workshop kept as evidence for the partnership's files, as DOCX or PDF — who came (by
organisation), the needs raised by theme, the votes and ranking, and the actions agreed."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from locality.services.workshops import WorkshopRecordData

RecordFormat = Literal["docx", "pdf"]


def write_workshop_record(data: WorkshopRecordData, path: Path | str, format: RecordFormat) -> Path:
    """Writes the record to ``path`` (replaced only once the whole file is written); returns the path."""
    raise NotImplementedError
