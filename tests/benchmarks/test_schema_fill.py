"""The loopback server's schema filler: values valid for jsonschema and for the pydantic model."""

from __future__ import annotations

import doctest
from typing import Any, Literal

import jsonschema
import pytest
from pydantic import BaseModel, Field

from benchmarks import schema_fill
from benchmarks.schema_fill import fill

TEXTS = ["spine", "posterolateral disc herniation compresses the L5 root", ""]
SEEDS = [0, 1, 7, 1000, -3]


class Address(BaseModel):
    city: str
    postcode: str = Field(min_length=5, max_length=5)


class Patient(BaseModel):
    name: str = Field(min_length=2, max_length=12)
    age: int = Field(ge=18, le=99)
    address: Address
    previous: Address | None = None


class Level(BaseModel):
    segment: Literal["L3-L4", "L4-L5", "L5-S1"]
    severity: int = Field(ge=0, le=3)
    finding: str = Field(min_length=20, max_length=40)


class Report(BaseModel):
    patient: Patient
    levels: list[Level] = Field(min_length=2, max_length=3)
    options: list[str] = Field(min_length=4, max_length=5)
    answer: str = Field(pattern=r"^[A-E]$")
    confidence: float = Field(ge=0, le=1)
    score: float
    urgent: bool
    notes: str | None = None
    tags: dict[str, str]
    laterality: Literal["left", "right", "bilateral"] = "left"


class Node(BaseModel):
    label: str
    children: list[Node] = []
    parent: Node | None = None


class Tree(BaseModel):
    root: Node
    forest: list[Node] = Field(min_length=1)


class Distinct(BaseModel):
    words: set[str] = Field(min_length=4)
    letters: set[Literal["A", "B", "C", "D", "E"]] = Field(min_length=5)
    codes: list[str] = Field(min_length=5, max_length=5, json_schema_extra={"uniqueItems": True})
    numbers: frozenset[int] = Field(min_length=3)


class Shapes(BaseModel):
    pair: tuple[int, str]
    exact: Literal[3]
    either: int | str
    id_code: str = Field(pattern=r"^ID-[0-9]{3}$")
    slug: str = Field(pattern=r"[a-z]+", min_length=8)
    ratio: float = Field(gt=0, lt=1, multiple_of=0.1)
    step: int = Field(multiple_of=5, gt=7)


MODELS: list[type[BaseModel]] = [Address, Patient, Level, Report, Node, Tree, Distinct, Shapes]

RAW_SCHEMAS: list[dict[str, Any]] = [
    {"type": ["string", "null"], "maxLength": 3},
    {"type": ["null", "integer"], "exclusiveMinimum": 4, "exclusiveMaximum": 6},
    {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"b": {"const": [1, 2]}}, "required": ["b"]},
        ]
    },
    {"oneOf": [{"type": "null"}, {"enum": ["x", "y"]}]},
    {"type": "array", "items": {"type": "boolean"}, "uniqueItems": True, "minItems": 2},
    {"type": "object", "additionalProperties": False, "properties": {"only": {"type": "null"}}},
    {"type": "object", "propertyNames": {"pattern": "^[a-c]{2}$"}, "minProperties": 3},
    {"type": "string", "pattern": r"\d{2,4}-[^a-z]+$", "maxLength": 10},
    {"type": "number", "minimum": 2.5, "maximum": 2.5},
    {},
]


def _check(schema: dict[str, Any], value: Any) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(value)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_models(model: type[BaseModel], text: str, seed: int) -> None:
    schema = model.model_json_schema()
    value = fill(schema, text, seed)
    _check(schema, value)
    model.model_validate(value)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("schema", RAW_SCHEMAS, ids=range(len(RAW_SCHEMAS)))
def test_raw_schemas(schema: dict[str, Any], seed: int) -> None:
    _check(schema, fill(schema, "disc bulge", seed))


def test_fills_every_property_and_prefers_values_over_null() -> None:
    value = fill(Report.model_json_schema(), "disc")
    assert set(value) == set(Report.model_fields)
    assert value["notes"] is not None and value["patient"]["previous"] is not None


def test_recursion_terminates_at_optional_branches() -> None:
    node = fill(Node.model_json_schema())
    depth = 0
    while node.get("children"):
        node, depth = node["children"][0], depth + 1
    assert depth == 1  # one real level of children, then the optional branches close
    assert set(node) == {"label"}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_deterministic(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    first = fill(schema, "a b c", 5)
    assert fill(schema, "a b c", 5) == first
    assert fill(model.model_json_schema(), "a b c", 5) == first  # an equal, new dict
    first["mutated"] = True
    assert "mutated" not in fill(schema, "a b c", 5)  # results are fresh objects


def test_seed_and_text_change_strings() -> None:
    schema = {"type": "string"}
    assert fill(schema, "alpha beta", 0) == "alpha beta"
    assert fill(schema, "alpha beta", 1) == "beta alpha"
    assert len({fill(schema, "spine", seed) for seed in range(10)}) == 10


@pytest.mark.parametrize("text", TEXTS)
def test_list_items_distinct(text: str) -> None:
    value = fill(Distinct.model_json_schema(), text)
    for name in ("words", "letters", "codes", "numbers"):
        assert len(set(value[name])) == len(value[name]), name
    assert sorted(value["letters"]) == ["A", "B", "C", "D", "E"]
    options = fill(Report.model_json_schema(), text)["options"]
    assert len(set(options)) == len(options) >= 4


@pytest.mark.parametrize(
    ("schema", "pattern"),
    [
        ({"type": "string", "pattern": "^(yes|no)$"}, "^(yes|no)$"),
        ({"type": "string", "pattern": "^[A-E]$", "minLength": 2}, "^[A-E]$"),
        ({"type": "string", "pattern": "^[A-E]{3}$", "maxLength": 2}, "^[A-E]{3}$"),
        ({"type": "string", "pattern": r"^(?=a)\w$"}, r"^(?=a)\w$"),
        ({"type": "string", "pattern": "^[a-"}, "^[a-"),
    ],
)
def test_unsatisfiable_pattern_raises(schema: dict[str, Any], pattern: str) -> None:
    with pytest.raises(ValueError, match="pattern") as caught:
        fill(schema)
    assert repr(pattern) in str(caught.value)


def test_no_finite_instance_raises() -> None:
    schema = {
        "$defs": {
            "Loop": {
                "type": "object",
                "properties": {"next": {"$ref": "#/$defs/Loop"}},
                "required": ["next"],
            }
        },
        "$ref": "#/$defs/Loop",
    }
    with pytest.raises(ValueError):
        fill(schema)


def test_impossible_uniqueness_raises() -> None:
    schema = {"type": "array", "items": {"enum": ["a", "b"]}, "minItems": 3, "uniqueItems": True}
    with pytest.raises(ValueError, match="distinct"):
        fill(schema)


def test_docstring_example() -> None:
    assert doctest.testmod(schema_fill).failed == 0
