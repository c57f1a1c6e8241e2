"""The OpenAPI document names each schema once: two classes with one name would be merged into one
component (django-ninja keeps the last), so one operation would be documented with the other's schema and
a generated client would refuse the real answers (issue 14, item 5).

The walk starts from every operation of every router (request models and every response model) and follows
the fields into nested schemas, so a future collision anywhere is caught."""

from __future__ import annotations

import typing
from collections import defaultdict

from pydantic import BaseModel

from enclave.api import api

# django-ninja's per-operation wrappers (made with create_model, flattened into the operation, never a
# component): walked through, not counted.
NINJA_WRAPPERS = frozenset(
    f"{kind}Params" for kind in ("Body", "Path", "Query", "Form", "File", "Header", "Cookie")
)
NINJA_WRAPPERS |= {"NinjaResponseSchema"}


def _models_in(annotation: object) -> list[type[BaseModel]]:
    """The pydantic models an annotation mentions (list[X], X | None, Annotated[X, …], dict[str, X]…)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _operation_models() -> list[type[BaseModel]]:
    roots: list[type[BaseModel]] = []
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                roots += [model for model in operation.models if isinstance(model, type)]
                roots += [model for model in operation.response_models.values() if isinstance(model, type)
                          and issubclass(model, BaseModel)]  # fmt: skip
    return roots


def schema_classes_by_name() -> dict[str, set[type[BaseModel]]]:
    """Every schema class reachable from an operation, grouped by the name OpenAPI gives it."""
    by_name: dict[str, set[type[BaseModel]]] = defaultdict(set)
    seen: set[type[BaseModel]] = set()
    todo = _operation_models()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        by_name[model.__name__].add(model)
        for field in model.model_fields.values():
            todo += _models_in(field.annotation)
    return by_name


def test_no_two_schema_classes_share_a_component_name():
    collisions = {
        name: sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)
        for name, classes in schema_classes_by_name().items()
        if len(classes) > 1 and name not in NINJA_WRAPPERS
    }
    assert collisions == {}


def test_the_walk_sees_nested_schemas_of_every_router():
    names = schema_classes_by_name()
    for nested in ("UnitRef", "ParkRef", "PartyTotal", "UnitScoreOut", "ParkDetailOut"):
        assert nested in names


def test_every_component_of_the_document_is_one_class_of_the_walk():
    components = api.get_openapi_schema()["components"]["schemas"]
    names = schema_classes_by_name()
    # Components not found by the walk are ninja's generated wrappers (request bodies, form inputs).
    assert {"ParkSubParkOut", "SubParkOut", "RunOut", "AssessmentRunOut"} <= set(components)
    assert all(len(names[name]) == 1 for name in components if name in names)


def test_the_park_detail_and_the_settlement_run_are_documented_with_their_own_schema():
    document = api.get_openapi_schema()
    paths = document["paths"]
    components = document["components"]["schemas"]

    def response_ref(path: str, method: str) -> str:
        return paths[path][method]["responses"][200]["content"]["application/json"]["schema"]["$ref"]

    park = components[response_ref("/api/v1/parks/{code}", "get").rsplit("/", 1)[-1]]
    subpark_ref = park["properties"]["subparks"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert set(components[subpark_ref]["required"]) == {"name", "unit", "area"}
    run = components[response_ref("/api/v1/settlements/run", "post").rsplit("/", 1)[-1]]
    assert {"created", "retained_fen", "parties"} <= set(run["properties"])
    assessment = components[response_ref("/api/v1/assessment/runs/{run_id}", "get").rsplit("/", 1)[-1]]
    assert {"units", "provisional"} <= set(assessment["properties"])
