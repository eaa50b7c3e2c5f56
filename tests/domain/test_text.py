from locality.domain.text import noun_for, plural


def test_plural_agrees_with_the_count() -> None:
    assert plural(0, "organisation") == "0 organisations"
    assert plural(1, "organisation") == "1 organisation"
    assert plural(2, "organisation") == "2 organisations"
    assert plural(20_000, "action") == "20,000 actions"


def test_irregular_plurals_are_given() -> None:
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(3, "entry", "entries") == "3 entries"
    assert noun_for(1, "is", "are") == "is"
    assert noun_for(5, "need") == "needs"
