"""The kinds of record, named once: each value is its table's name, and a name from outside is checked."""

from __future__ import annotations

import pytest

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError


def test_an_entity_is_its_table_name_as_text() -> None:
    # The change log stores the text; rows written before the enum read the same.
    assert Entity.VOCABULARY_TERM == "vocabulary_term"
    assert f"{Entity.FUNDING_ALLOCATION}" == "funding_allocation"
    assert all(member.value == member.name.lower() for member in Entity)


def test_parse_accepts_a_table_name() -> None:
    assert Entity.parse("progress_update") is Entity.PROGRESS_UPDATE


@pytest.mark.parametrize("text", ["vocabulary", "allocation", "Action", "change_log", ""])
def test_parse_refuses_what_is_no_entity_with_the_known_ones(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Entity.parse(text)
    message = caught.value.field_errors["entity"]
    assert f'"{text}" is not a kind of record' in message
    assert "vocabulary_term" in message and "workshop_vote" in message
