"""How alike two needs are, worked out locally with rapidfuzz: each title normalised (lower case, punctuation and
common little words dropped, the remaining words sorted) and compared by an edit-distance ratio, the start of the
descriptions counting for 15% when both have one; and finding every such pair among thousands of needs in
compiled code, a chunk at a time so that it reports progress and can be cancelled."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from locality.domain.errors import LocalityError
from locality.store import similarity_queries

ProgressCallback = Callable[[int, int], None]


CancelledCallback = Callable[[], bool]


TITLE_WEIGHT = 0.85


DESCRIPTION_CHARS = 120


_CHUNK = 250  # needs compared with all later ones per step: one step of progress and a chance to cancel


# Words that say nothing about which need it is.
STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its", "of", "on"}
    | {"or", "our", "s", "so", "that", "the", "their", "this", "to", "with"}
)


class SimilarityCancelled(LocalityError):
    """The search for similar needs was cancelled; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("Finding similar needs was cancelled.")


def title_key(title: str) -> str:
    """The form in which titles are compared: lower case, no punctuation or little words, words sorted."""
    from rapidfuzz import utils

    return " ".join(sorted(word for word in utils.default_process(title).split() if word not in STOP_WORDS))


def description_key(description: str) -> str:
    from rapidfuzz import utils

    return utils.default_process(description[: DESCRIPTION_CHARS * 2])[:DESCRIPTION_CHARS]


def _title_cutoff(min_score: int) -> int:
    """The lowest title score that can still reach ``min_score`` once the description's share is added."""
    return max(0, int((min_score - (1 - TITLE_WEIGHT) * 100) / TITLE_WEIGHT))


def _candidates(keys: Sequence[str], start: int, stop: int, cutoff: int) -> list[tuple[int, int, float]]:
    """(i, j, title score) for i in [start, stop), j > i, whose title score reaches ``cutoff``."""
    import numpy as np
    from rapidfuzz import fuzz, process

    matrix = process.cdist(
        keys[start:stop], keys[start:], scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1
    )
    rows, columns = np.nonzero(matrix)
    later = columns > rows
    rows, columns = rows[later], columns[later]
    scores = matrix[rows, columns]
    return [
        (start + int(row), start + int(column), float(score))
        for row, column, score in zip(rows.tolist(), columns.tolist(), scores.tolist(), strict=True)
    ]


def find_pairs(
    texts: Sequence[similarity_queries.NeedTextRow],
    organisations: dict[uuid.UUID, frozenset[uuid.UUID]],
    min_score: int,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelledCallback | None = None,
) -> list[tuple[int, int, int]]:
    """(score, i, j) of every pair of ``texts`` reaching ``min_score`` whose organisations differ."""
    from rapidfuzz import fuzz  # here, like the other rapidfuzz imports: only a search needs it, not start-up

    usable = [number for number, row in enumerate(texts) if title_key(row.title)]
    keys = [title_key(texts[number].title) for number in usable]
    descriptions = [description_key(texts[number].description_head) for number in usable]
    org_sets = [organisations.get(texts[number].id, frozenset()) for number in usable]
    cutoff = _title_cutoff(min_score)
    found: list[tuple[int, int, int]] = []
    total = len(keys)
    for start in range(0, total, _CHUNK):
        if cancelled is not None and cancelled():
            raise SimilarityCancelled()
        for i, j, title_score in _candidates(keys, start, min(start + _CHUNK, total), cutoff):
            if org_sets[i] == org_sets[j]:
                continue
            if descriptions[i] and descriptions[j]:
                text_score = fuzz.ratio(descriptions[i], descriptions[j])
                score = round(TITLE_WEIGHT * title_score + (1 - TITLE_WEIGHT) * text_score)
            else:
                score = round(title_score)
            if score >= min_score:
                found.append((min(score, 100), usable[i], usable[j]))
        if progress is not None:
            progress(min(start + _CHUNK, total), total)
    return found
