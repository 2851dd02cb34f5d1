"""Schema-valid JSON for the LOOPBACK TEST SERVER (benchmarks/loopback_openai.py) — part of the
loopback test tooling, NOT a model: nothing here reads the prompt or reasons about an answer.

The server answers requests that carry ``response_format: {"type": "json_schema", ...}`` with
``fill(schema)``: a deterministic JSON value valid against the schema whose strings are words of
a fixed ``text``. It covers the subset pydantic v2 ``model_json_schema()`` emits (objects,
arrays, tuples, strings, numbers, booleans, null, type lists, ``$ref`` into ``$defs``, recursive
models, ``anyOf``/``oneOf``/``allOf``, ``enum``/``const``, length, item and numeric bounds,
``uniqueItems`` and simple character-class patterns). ``format`` is ignored.

Each schema is compiled once into a tree of closures, cached by its JSON text, so a call costs
one ``json.dumps`` plus the walk that builds the value.

    >>> fill({"type": "array", "items": {"type": "string"}, "minItems": 2}, "disc bulge")
    ['disc bulge', 'bulge disc']
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from copy import deepcopy
from decimal import Decimal
from functools import lru_cache
from typing import Any

__all__ = ["fill"]

Words = tuple[str, ...]
# (words, seed, depth) -> value; depth counts entries into recursive definitions.
Filler = Callable[[Words, int, int], Any]

_SOFT_DEPTH = 2  # from here on, recursive definitions take their shortest way out
_HARD_DEPTH = 40  # a recursion still open here has no finite instance
_DEFAULT_WORDS = 3  # words in a string without a minLength
_UNIQUE_TRIES = 16  # reseeds per item before uniqueItems gives up
_MERGE_DEPTH = 32
_PRINTABLE = "".join(chr(code) for code in range(32, 127))
_WORD_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_SPACE_CHARS = " \t"
# Keywords that never constrain an instance (or that this filler ignores on purpose).
_IGNORED = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "format",
        "discriminator",
        "$comment",
        "$schema",
        "$id",
        "$anchor",
        "$defs",
        "definitions",
        "contentEncoding",
        "contentMediaType",
    }
)
_OBJECT_KEYS = (
    "properties",
    "additionalProperties",
    "required",
    "minProperties",
    "maxProperties",
    "propertyNames",
)
_ARRAY_KEYS = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems")
_STRING_KEYS = ("minLength", "maxLength", "pattern")
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


class _NoFiniteValue(ValueError):
    """A recursion that is still open at ``_HARD_DEPTH``."""


def fill(schema: dict[str, Any], text: str = "spine", seed: int = 0) -> Any:
    """A JSON value valid against ``schema`` (the subset pydantic emits), strings from ``text``.

    Args:
        schema: A JSON schema (draft 2020-12), e.g. ``Model.model_json_schema()``.
        text: Source of the string values: its words, taken cyclically.
        seed: Shifts where the words start (and every other choice); same seed, same value.

    Raises:
        ValueError: the schema uses a pattern this filler cannot satisfy (named in the message),
            or admits no (finite) instance.
    """
    return _compiled(json.dumps(schema))(_words(text), seed, 0)


@lru_cache(maxsize=256)
def _words(text: str) -> Words:
    return tuple(text.split()) or ("x",)


@lru_cache(maxsize=256)
def _compiled(schema_json: str) -> Filler:
    return _Compiler(json.loads(schema_json)).compile_root()


class _Compiler:
    """Turns one schema (and the ``$defs`` it refers to) into a ``Filler``."""

    def __init__(self, root: Any) -> None:
        self._root = root
        self._cells: dict[str, list[Filler | None]] = {}
        self._recursive, self._unbounded = self._analyse_refs()

    def compile_root(self) -> Filler:
        return self.compile(self._root)

    # -- references ---------------------------------------------------------------------------

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise ValueError(f"unsupported $ref {ref!r}: only refs inside the schema")
        node = self._root
        for part in ref[1:].split("/")[1:]:
            key = part.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(key)] if isinstance(node, list) else node[key]
            except (KeyError, IndexError, ValueError, TypeError):
                raise ValueError(f"unresolvable $ref {ref!r}") from None
        return node

    def _analyse_refs(self) -> tuple[frozenset[str], frozenset[str]]:
        """Refs on a cycle (recursive), and refs from which a cycle can be reached."""
        edges: dict[str, set[str]] = {}
        pending = list(_refs_in(self._root))
        while pending:
            ref = pending.pop()
            if ref in edges:
                continue
            try:
                edges[ref] = _refs_in(self._resolve(ref))
            except ValueError:
                edges[ref] = set()  # reported when (if) the ref is compiled
            pending.extend(edges[ref])

        def reach(start: str) -> set[str]:
            seen: set[str] = set()
            stack = list(edges[start])
            while stack:
                ref = stack.pop()
                if ref not in seen:
                    seen.add(ref)
                    stack.extend(edges[ref])
            return seen

        reachable = {ref: reach(ref) for ref in edges}
        recursive = frozenset(ref for ref in edges if ref in reachable[ref])
        unbounded = frozenset(ref for ref in edges if reachable[ref] & recursive) | recursive
        return recursive, unbounded

    def _ref(self, ref: str) -> Filler:
        cell = self._cells.get(ref)
        if cell is None:
            cell = self._cells[ref] = [None]
            try:
                cell[0] = self.compile(self._resolve(ref))
            except ValueError:
                del self._cells[ref]  # closures already holding the cell fail at fill time
                raise
        target = cell[0]
        if ref not in self._recursive and target is not None:
            return target
        # Late-bound: the target may still be compiling (a cycle).
        ref_cell = cell

        def fill_ref(words: Words, seed: int, depth: int) -> Any:
            if depth >= _HARD_DEPTH:
                raise _NoFiniteValue(f"{ref} nests without end: no finite value")
            target = ref_cell[0]
            if target is None:
                raise ValueError(f"{ref} admits no value")
            return target(words, seed, depth + 1)

        return fill_ref

    # -- dispatch -----------------------------------------------------------------------------

    def compile(self, schema: Any) -> Filler:
        if schema is True:
            return _fill_any
        if not isinstance(schema, dict):
            raise ValueError(f"schema {schema!r} admits no value")
        rules = {key: value for key, value in schema.items() if key not in _IGNORED}
        if "$ref" in rules:
            ref = rules.pop("$ref")
            if not rules:
                return self._ref(ref)
            return self.compile(self._merge([{"$ref": ref}, rules]))
        if "allOf" in rules:
            parts = rules.pop("allOf")
            return self.compile(self._merge([rules, *parts]))
        for key in ("anyOf", "oneOf"):
            if key in rules:
                branches = rules.pop(key)
                if rules:
                    branches = [{"allOf": [rules, branch]} for branch in branches]
                return self._union(branches)
        if "const" in rules or "enum" in rules:
            return self._choice(rules)
        kind = rules.get("type")
        if isinstance(kind, list):
            if len(kind) != 1:
                return self._union([{**rules, "type": one} for one in kind])
            kind = kind[0]
        if kind is None:
            kind = _infer_type(rules)
        if kind == "object":
            return self._object(rules)
        if kind == "array":
            return self._array(rules)
        if kind == "string":
            return _string(rules)
        if kind == "integer":
            return _integer(rules)
        if kind == "number":
            return _number(rules)
        if kind == "boolean":
            return _fill_boolean
        if kind == "null":
            return _fill_null
        if kind == "any":
            return _fill_any
        raise ValueError(f"unsupported type {kind!r}")

    def _merge(self, parts: Sequence[Any], depth: int = 0) -> dict[str, Any]:
        """One schema holding every constraint of ``parts`` (for ``allOf`` and ``$ref`` + rules)."""
        if depth > _MERGE_DEPTH:
            raise ValueError("allOf/$ref chain too deep to merge")
        out: dict[str, Any] = {}
        for part in parts:
            if part is True:
                continue
            if not isinstance(part, dict):
                raise ValueError(f"schema {part!r} admits no value")
            rules = {key: value for key, value in part.items() if key not in _IGNORED}
            if "$ref" in rules:
                target = self._resolve(rules.pop("$ref"))
                rules = self._merge([target, rules], depth + 1)
            if "allOf" in rules:
                nested = rules.pop("allOf")
                rules = self._merge([rules, *nested], depth + 1)
            for key, value in rules.items():
                out[key] = value if key not in out else _merge_rule(key, out[key], value)
        return out

    # -- combinators --------------------------------------------------------------------------

    def _union(self, branches: Sequence[Any]) -> Filler:
        compiled: list[tuple[Filler, bool, bool]] = []
        errors: list[str] = []
        for branch in branches:
            try:
                filler = self.compile(branch)
            except ValueError as exc:  # an unsatisfiable branch is simply not taken
                errors.append(str(exc))
                continue
            unbounded = bool(_refs_in(branch) & self._unbounded)
            compiled.append((filler, _is_null_schema(branch), unbounded))
        if not compiled:
            raise ValueError("no satisfiable anyOf/oneOf branch: " + "; ".join(errors))
        # Shallow levels prefer real values; deep levels prefer whatever ends the recursion.
        normal = [f for f, null, _ in compiled if not null] + [f for f, null, _ in compiled if null]
        deep = (
            [f for f, null, _ in compiled if null]
            + [f for f, null, unb in compiled if not null and not unb]
            + [f for f, null, unb in compiled if not null and unb]
        )
        if len(compiled) == 1:
            return normal[0]

        def fill_union(words: Words, seed: int, depth: int) -> Any:
            last: ValueError | None = None
            for filler in deep if depth >= _SOFT_DEPTH else normal:
                try:
                    return filler(words, seed, depth)
                except ValueError as exc:  # e.g. a recursion that does not close: next branch
                    last = exc
            raise _NoFiniteValue(f"no anyOf/oneOf branch closes: {last}")

        return fill_union

    def _choice(self, rules: dict[str, Any]) -> Filler:
        values = [rules["const"]] if "const" in rules else list(rules["enum"])
        kind = rules.get("type")
        if kind is not None:
            kinds = kind if isinstance(kind, list) else [kind]
            values = [value for value in values if any(_is_type(value, k) for k in kinds)]
        if not values:
            raise ValueError(
                f"no value satisfies enum/const {rules.get('enum', rules.get('const'))}"
            )
        if any(isinstance(value, dict | list) for value in values):

            def fill_container(words: Words, seed: int, depth: int) -> Any:
                return deepcopy(values[seed % len(values)])  # callers may mutate the result

            return fill_container
        if len(values) == 1:
            only = values[0]
            return lambda words, seed, depth: only
        choices = tuple(values)
        return lambda words, seed, depth: choices[seed % len(choices)]

    # -- containers ---------------------------------------------------------------------------

    def _object(self, rules: dict[str, Any]) -> Filler:
        required = set(rules.get("required", ()))
        extra_schema = rules.get("additionalProperties", True)
        extra: Filler | None = None
        if extra_schema is not False:
            try:
                extra = self.compile(extra_schema)
            except ValueError:
                extra = None  # no additional property can be valid
        props: list[tuple[str, Filler, bool]] = []
        for name, sub in rules.get("properties", {}).items():
            try:
                props.append((name, self.compile(sub), name in required))
            except ValueError as exc:
                if name in required:
                    raise ValueError(f"required property {name!r}: {exc}") from exc
        named = {name for name, _, _ in props}
        for name in sorted(required - named):  # required but only described by additionalProperties
            if extra is None:
                raise ValueError(f"required property {name!r} cannot be present")
            props.append((name, extra, True))
        min_props = int(rules.get("minProperties", 0))
        max_props = rules.get("maxProperties")
        if max_props is not None and sum(req for _, _, req in props) > max_props:
            raise ValueError("more required properties than maxProperties")
        keys = self.compile(rules["propertyNames"]) if "propertyNames" in rules else _fill_any
        # A map (no named properties) gets one entry unless deep; named objects only fill gaps.
        bare = not props and extra is not None
        if extra is None and len(props) < min_props:
            raise ValueError("fewer possible properties than minProperties")
        ceiling = math.inf if max_props is None else int(max_props)

        def fill_object(words: Words, seed: int, depth: int) -> Any:
            deep = depth >= _SOFT_DEPTH
            out: dict[str, Any] = {}
            for index, (name, filler, is_required) in enumerate(props):
                if is_required:
                    out[name] = filler(words, seed + index, depth)
                elif not deep and len(out) < ceiling:
                    try:
                        out[name] = filler(words, seed + index, depth)
                    except ValueError:  # optional: leave it out rather than fail
                        pass
            wanted = max(min_props, 1 if bare and not deep else 0)
            if len(out) < wanted and extra is not None:
                _add_entries(
                    out, min(wanted, ceiling), keys, extra, words, seed + len(props), depth
                )
            if len(out) < min_props:
                raise ValueError("cannot reach minProperties")
            return out

        return fill_object

    def _array(self, rules: dict[str, Any]) -> Filler:
        prefix = [self.compile(sub) for sub in rules.get("prefixItems", ())]
        items_schema = rules.get("items", True)
        items: Filler | None = None
        if items_schema is not False:
            try:
                items = self.compile(items_schema)
            except ValueError:
                items = None  # only the prefix positions can be filled
        min_items = int(rules.get("minItems", 0))
        ceiling = math.inf if "maxItems" not in rules else int(rules["maxItems"])
        if items is None:
            ceiling = min(ceiling, len(prefix))
        if min_items > ceiling:
            raise ValueError(f"array needs {min_items} items but allows at most {ceiling}")
        normal_count = int(min(max(min_items, 1, len(prefix)), ceiling))
        deep_count = min_items
        fillers = prefix[:normal_count]
        if normal_count > len(prefix):
            assert items is not None  # the ceiling is len(prefix) otherwise
            fillers += [items] * (normal_count - len(prefix))
        unique = bool(rules.get("uniqueItems", False))

        def fill_array(words: Words, seed: int, depth: int) -> Any:
            count = deep_count if depth >= _SOFT_DEPTH else normal_count
            out = [fillers[i](words, seed + i, depth) for i in range(count)]
            if unique and count > 1:
                _make_distinct(out, fillers, words, seed, depth)
            return out

        return fill_array


# -- leaves -------------------------------------------------------------------------------------


def _fill_any(words: Words, seed: int, depth: int) -> Any:
    return _text(words, seed, 0, None)


def _fill_boolean(words: Words, seed: int, depth: int) -> Any:
    return seed % 2 == 0


def _fill_null(words: Words, seed: int, depth: int) -> Any:
    return None


def _text(words: Words, seed: int, min_len: int, max_len: int | None) -> str:
    """Words of the text from an offset given by ``seed``; each lap of the words gets a number,
    so distinct seeds give distinct strings however short the text."""
    count = len(words)
    start = seed % count
    lap = seed // count
    suffix = f" {lap}" if lap else ""
    taken = min(count, _DEFAULT_WORDS)
    value = " ".join(words[(start + i) % count] for i in range(taken))
    while len(value) + len(suffix) < min_len:
        value += " " + words[(start + taken) % count]
        taken += 1
    if max_len is not None and len(value) + len(suffix) > max_len:
        if max_len <= 0:
            return ""
        keep = max_len - len(suffix)
        # Keep the lap number when it fits: it is what tells two seeds apart.
        return value[:keep] + suffix if keep > 0 else (value + suffix)[-max_len:]
    return value + suffix


def _string(rules: dict[str, Any]) -> Filler:
    min_len = int(rules.get("minLength", 0))
    max_len = None if "maxLength" not in rules else int(rules["maxLength"])
    if max_len is not None and min_len > max_len:
        raise ValueError(f"minLength {min_len} > maxLength {max_len}")
    pattern = rules.get("pattern")
    if pattern is None:
        return lambda words, seed, depth: _text(words, seed, min_len, max_len)
    generate = _PatternFiller(pattern, min_len, max_len)
    search = re.compile(pattern).search

    def fill_pattern(words: Words, seed: int, depth: int) -> Any:
        value = _text(words, seed, min_len, max_len)
        return value if search(value) else generate(seed)

    return fill_pattern


def _integer(rules: dict[str, Any]) -> Filler:
    low: int | None = None
    high: int | None = None
    if "minimum" in rules:
        low = math.ceil(rules["minimum"])
    if "exclusiveMinimum" in rules:
        bound = math.floor(rules["exclusiveMinimum"]) + 1
        low = bound if low is None else max(low, bound)
    if "maximum" in rules:
        high = math.floor(rules["maximum"])
    if "exclusiveMaximum" in rules:
        bound = math.ceil(rules["exclusiveMaximum"]) - 1
        high = bound if high is None else min(high, bound)
    step = 1
    if "multipleOf" in rules:
        multiple = rules["multipleOf"]
        if not float(multiple).is_integer() or multiple <= 0:
            raise ValueError(f"unsupported multipleOf {multiple!r} for an integer")
        step = int(multiple)
        low = None if low is None else -(-low // step) * step
        high = None if high is None else (high // step) * step
    if low is not None and high is not None:
        if low > high:
            raise ValueError(f"no integer in [{rules}]")
        span = (high - low) // step + 1
        start = low
        return lambda words, seed, depth: start + step * (seed % span)
    if low is not None:
        floor = low
        return lambda words, seed, depth: floor + step * abs(seed)
    if high is not None:
        top = high
        return lambda words, seed, depth: top - step * abs(seed)
    return lambda words, seed, depth: step * seed


def _number(rules: dict[str, Any]) -> Filler:
    low, low_open = _bound(rules, "minimum", "exclusiveMinimum", max)
    high, high_open = _bound(rules, "maximum", "exclusiveMaximum", min)

    def inside(value: float) -> bool:
        if low is not None and (value < low or (low_open and value == low)):
            return False
        return not (high is not None and (value > high or (high_open and value == high)))

    if low is not None and high is not None and not inside((low + high) / 2):
        raise ValueError(f"no number in {rules}")
    if "multipleOf" in rules:
        return _multiple_filler(float(rules["multipleOf"]), low, high, inside)
    if low is not None and high is not None:
        base, width, middle = low, high - low, (low + high) / 2

        def fill_between(words: Words, seed: int, depth: int) -> Any:
            value = base + width * ((seed % 9) + 1) / 10
            return value if inside(value) else middle  # rounding at extreme magnitudes

        return fill_between
    if low is not None:
        floor = low
        return lambda words, seed, depth: floor + 0.5 + abs(seed)
    if high is not None:
        top = high
        return lambda words, seed, depth: top - 0.5 - abs(seed)
    return lambda words, seed, depth: 0.5 + seed


def _multiple_filler(
    multiple: float, low: float | None, high: float | None, inside: Callable[[float], bool]
) -> Filler:
    if multiple <= 0:
        raise ValueError(f"multipleOf {multiple!r} must be positive")
    first = None if low is None else math.ceil(low / multiple)
    last = None if high is None else math.floor(high / multiple)
    if first is not None and last is not None and first > last:
        raise ValueError(f"no multiple of {multiple} in range")
    exact = Decimal(repr(multiple))

    def candidate(k: int) -> float | None:
        # k * m in decimal, accepted only if the float quotient is whole, as validators check it.
        value = float(exact * k)
        quotient = value / multiple
        return value if inside(value) and quotient == int(quotient) else None

    def fill_multiple(words: Words, seed: int, depth: int) -> Any:
        if first is not None and last is not None:
            span = last - first + 1
            ks = [first + (seed + i) % span for i in range(min(span, 64))]
        elif first is not None:
            ks = [first + abs(seed) + i for i in range(64)]
        elif last is not None:
            ks = [last - abs(seed) - i for i in range(64)]
        else:
            ks = [seed + i for i in range(64)]
        for k in ks:
            value = candidate(k)
            if value is not None:
                return value
        raise ValueError(f"no representable multiple of {multiple} found")

    fill_multiple((), 0, 0)  # an empty range fails here, once, rather than per request
    return fill_multiple


def _bound(
    rules: dict[str, Any], closed: str, open_: str, stricter: Callable[[float, float], float]
) -> tuple[float | None, bool]:
    value: float | None = None
    is_open = False
    if closed in rules:
        value = float(rules[closed])
    if open_ in rules and not isinstance(rules[open_], bool):
        bound = float(rules[open_])
        if value is None or stricter(value, bound) == bound:
            value, is_open = bound, True
    return value, is_open


# -- patterns -----------------------------------------------------------------------------------


class _PatternFiller:
    """Strings for patterns made of character classes, literals and quantifiers.

    Anything richer (groups, alternation, lookaround, backreferences) raises ``ValueError``
    naming the pattern: a guessed string would only fail validation later, far from the cause.
    """

    def __init__(self, pattern: str, min_len: int, max_len: int | None) -> None:
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid pattern {pattern!r}: {exc}") from None
        atoms, anchored_start, anchored_end = _parse_pattern(pattern)
        can_pad = not (anchored_start and anchored_end)
        least = sum(low for _, low, _ in atoms)
        most = sum(math.inf if high is None else high for _, _, high in atoms)
        low_len = max(min_len, least)
        high_len = math.inf if max_len is None else max_len
        if not can_pad:
            high_len = min(high_len, most)
        if low_len > high_len:
            raise ValueError(
                f"cannot satisfy pattern {pattern!r} with length in [{min_len}, {max_len}]"
            )
        # One occurrence of '*' and '?' atoms too, so the string shows the pattern's shape.
        counts = [low if high == 0 else max(low, 1) for _, low, high in atoms]
        target = int(min(max(sum(counts), low_len), high_len))
        for i in reversed(range(len(atoms))):  # too long: drop optional occurrences, last first
            while sum(counts) > target and counts[i] > atoms[i][1]:
                counts[i] -= 1
        deficit = target - sum(counts)
        for i, (_, _, high) in enumerate(atoms):  # too short: repeat atoms, first first
            if deficit <= 0:
                break
            added = int(min(math.inf if high is None else high - counts[i], deficit))
            counts[i] += added
            deficit -= added
        if sum(counts) > target:
            raise ValueError(f"cannot satisfy pattern {pattern!r} within maxLength {max_len}")
        self._slots = [
            chars for (chars, _, _), n in zip(atoms, counts, strict=True) for _ in range(n)
        ]
        pad = "x" * (target - sum(counts))
        self._head = pad if anchored_end else ""
        self._tail = "" if anchored_end else pad
        for seed in (0, 1):
            value = self(seed)
            if not regex.search(value) or not min_len <= len(value) <= high_len:
                raise ValueError(f"cannot satisfy pattern {pattern!r} (made {value!r})")

    def __call__(self, seed: int) -> str:
        # The seed, read as a mixed-radix number over the slots (last slot least significant),
        # picks one character per slot, so consecutive seeds differ.
        out: list[str] = []
        rest = seed
        for chars in reversed(self._slots):
            if len(chars) == 1:
                out.append(chars)
            else:
                rest, index = divmod(rest, len(chars))
                out.append(chars[index])
        return self._head + "".join(reversed(out)) + self._tail


def _parse_pattern(pattern: str) -> tuple[list[tuple[str, int, int | None]], bool, bool]:
    def unsupported(why: str) -> ValueError:
        return ValueError(f"cannot satisfy pattern {pattern!r}: {why} not supported")

    atoms: list[tuple[str, int, int | None]] = []
    anchored_start = pattern.startswith("^")
    anchored_end = False
    i = 1 if anchored_start else 0
    while i < len(pattern):
        char = pattern[i]
        if char == "$" and i == len(pattern) - 1:
            anchored_end = True
            break
        if char == "[":
            chars, i = _parse_class(pattern, i + 1, unsupported)
        elif char == "\\":
            chars, i = _parse_escape(pattern, i + 1, unsupported)
        elif char == ".":
            chars, i = _PRINTABLE, i + 1
        elif char in "()|":
            raise unsupported("groups and alternation are")
        elif char in "*+?{}^$":
            raise unsupported(f"{char!r} here is")
        else:
            chars, i = char, i + 1
        low, high, i = _parse_quantifier(pattern, i, unsupported)
        atoms.append((chars, low, high))
    return atoms, anchored_start, anchored_end


def _parse_escape(
    pattern: str, i: int, unsupported: Callable[[str], ValueError]
) -> tuple[str, int]:
    if i >= len(pattern):
        raise unsupported("a trailing backslash is")
    char = pattern[i]
    classes = {
        "d": "0123456789",
        "w": _WORD_CHARS,
        "s": _SPACE_CHARS,
        "D": _without(_PRINTABLE, "0123456789"),
        "W": _without(_PRINTABLE, _WORD_CHARS),
        "S": _without(_PRINTABLE, _SPACE_CHARS),
        "n": "\n",
        "t": "\t",
        "r": "\r",
    }
    if char in classes:
        return classes[char], i + 1
    if char.isalnum():
        raise unsupported(f"escape \\{char} is")
    return char, i + 1


def _parse_class(pattern: str, i: int, unsupported: Callable[[str], ValueError]) -> tuple[str, int]:
    negate = i < len(pattern) and pattern[i] == "^"
    if negate:
        i += 1
    members: set[str] = set()
    first = True
    while True:
        if i >= len(pattern):
            raise unsupported("an unclosed class is")
        char = pattern[i]
        if char == "]" and not first:
            i += 1
            break
        first = False
        if char == "\\":
            chars, i = _parse_escape(pattern, i + 1, unsupported)
        elif char == "[":
            raise unsupported("a nested class is")
        else:
            chars, i = char, i + 1
        is_range = (
            len(chars) == 1 and i + 1 < len(pattern) and pattern[i] == "-" and pattern[i + 1] != "]"
        )
        if is_range:
            end, i = (
                _parse_escape(pattern, i + 2, unsupported)
                if pattern[i + 1] == "\\"
                else (pattern[i + 1], i + 2)
            )
            if len(end) != 1 or ord(end) < ord(chars):
                raise unsupported("this range is")
            members.update(chr(code) for code in range(ord(chars), ord(end) + 1))
        else:
            members.update(chars)
    allowed = _without(_PRINTABLE, "".join(members)) if negate else "".join(sorted(members))
    if not allowed:
        raise unsupported("an empty class is")
    return allowed, i


def _parse_quantifier(
    pattern: str, i: int, unsupported: Callable[[str], ValueError]
) -> tuple[int, int | None, int]:
    if i >= len(pattern):
        return 1, 1, i
    char = pattern[i]
    low: int
    high: int | None
    if char == "?":
        low, high, i = 0, 1, i + 1
    elif char == "*":
        low, high, i = 0, None, i + 1
    elif char == "+":
        low, high, i = 1, None, i + 1
    elif char == "{":
        close = pattern.find("}", i)
        match = re.fullmatch(r"(\d+)(,(\d*))?", pattern[i + 1 : close]) if close > 0 else None
        if match is None:
            raise unsupported("this quantifier is")
        low = int(match.group(1))
        high = low if match.group(2) is None else (int(match.group(3)) if match.group(3) else None)
        if high is not None and high < low:
            raise unsupported("a {max,min} quantifier is")
        i = close + 1
    else:
        return 1, 1, i
    if i < len(pattern) and pattern[i] == "?":  # lazy: same strings
        i += 1
    if i < len(pattern) and pattern[i] in "*+{":
        raise unsupported("a double quantifier is")
    return low, high, i


def _without(chars: str, removed: str) -> str:
    gone = set(removed)
    return "".join(char for char in chars if char not in gone)


# -- helpers ------------------------------------------------------------------------------------


def _add_entries(
    out: dict[str, Any],
    wanted: float,
    keys: Filler,
    values: Filler,
    words: Words,
    seed: int,
    depth: int,
) -> None:
    tries = 0
    while len(out) < wanted:
        key = keys(words, seed + tries, depth)
        if not isinstance(key, str):
            raise ValueError(f"propertyNames produced a non-string {key!r}")
        if key not in out:
            out[key] = values(words, seed + tries, depth)
        tries += 1
        if tries > int(wanted) + _UNIQUE_TRIES:
            raise ValueError("cannot find enough distinct property names")


def _make_distinct(
    out: list[Any], fillers: list[Filler], words: Words, seed: int, depth: int
) -> None:
    seen: set[Any] = set()
    for i, value in enumerate(out):
        key = _identity(value)
        tries = 0
        while key in seen:
            tries += 1
            if tries > _UNIQUE_TRIES:
                raise ValueError(f"cannot make {len(out)} items distinct (uniqueItems)")
            value = fillers[i](words, seed + i + len(out) * tries, depth)
            key = _identity(value)
        seen.add(key)
        out[i] = value


def _identity(value: Any) -> Any:
    """A hashable key equal for values JSON schema calls equal (1 == 1.0, True != 1)."""
    if isinstance(value, str):
        return value
    return json.dumps(_canonical(value), sort_keys=True)


def _canonical(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    return value


def _refs_in(schema: Any) -> set[str]:
    """``$ref`` targets used by ``schema`` itself (not by the ``$defs`` it merely holds)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                found.add(ref)
            for key, value in node.items():
                if key in ("properties", "$defs", "definitions"):
                    if key == "properties" and isinstance(value, dict):
                        stack.extend(value.values())  # property names are not keywords
                elif key not in ("enum", "const", "default", "examples"):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _merge_rule(key: str, first: Any, second: Any) -> Any:
    if first == second:
        return first
    if key in ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"):
        return max(first, second)
    if key in ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"):
        return min(first, second)
    if key == "required":
        return [*first, *(name for name in second if name not in first)]
    if key == "uniqueItems":
        return bool(first or second)
    if key == "properties":
        merged = dict(first)
        for name, sub in second.items():
            merged[name] = {"allOf": [merged[name], sub]} if name in merged else sub
        return merged
    if key == "type":
        common: list[str] = []
        for one in first if isinstance(first, list) else [first]:
            for other in second if isinstance(second, list) else [second]:
                if one == other or {one, other} == {"integer", "number"}:
                    meet = "integer" if "integer" in (one, other) else one
                    if meet not in common:
                        common.append(meet)
        if not common:
            raise ValueError(f"allOf types {first!r} and {second!r} have nothing in common")
        return common
    if key == "enum":
        shared = [value for value in first if value in second]
        if not shared:
            raise ValueError("allOf enums have nothing in common")
        return shared
    if key in ("anyOf", "oneOf"):
        return [{"allOf": [a, b]} for a in first for b in second]
    if key in ("items", "additionalProperties", "propertyNames"):
        return {"allOf": [first, second]}
    raise ValueError(f"cannot merge two different {key!r} in allOf")


def _infer_type(rules: dict[str, Any]) -> str:
    if any(key in rules for key in _OBJECT_KEYS):
        return "object"
    if any(key in rules for key in _ARRAY_KEYS):
        return "array"
    if any(key in rules for key in _STRING_KEYS):
        return "string"
    if any(key in rules for key in _NUMBER_KEYS):
        return "number"
    return "any"


def _is_type(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return False


def _is_null_schema(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    return (
        schema.get("type") == "null"
        or ("const" in schema and schema["const"] is None)
        or schema.get("enum") == [None]
    )
