"""The map from entities to the store's models is complete both ways."""

from __future__ import annotations

from locality.domain.entities import Entity
from locality.store.models import MODEL_OF, TRACKED_MODELS, Base, TrackedMixin, entity_of


def test_every_entity_has_its_model_and_every_tracked_model_an_entity() -> None:
    assert set(MODEL_OF) == set(Entity)
    assert set(MODEL_OF.values()) == set(TRACKED_MODELS)
    for entity, model in MODEL_OF.items():
        assert model.__tablename__ == entity.value  # type: ignore[attr-defined]
        assert entity_of(model) is entity


def test_every_table_with_tracked_columns_is_a_tracked_model() -> None:
    # A new merged table must join TRACKED_MODELS (and so need an Entity), not be left out of both.
    tracked = {
        mapper.class_.__tablename__ for mapper in Base.registry.mappers if issubclass(mapper.class_, TrackedMixin)
    }
    assert tracked == {entity.value for entity in Entity}
