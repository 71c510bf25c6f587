"""JSON Schema (2020-12) compiled into Python closures: a fast yes/no for our schemas.

Every document the converter writes is validated before it is dumped, and jsonschema
walks a schema per instance with much bookkeeping (and takes a quarter of a second to
import).  Valid documents are the rule, so `schema.py` asks this module first and only
calls jsonschema -- whose errors carry the paths the messages need -- for a document
that fails.  So this answers exactly what ``Draft202012Validator.is_valid`` answers,
and for nothing more: it compiles only the keywords our schemas use (listed below) and
refuses (`UnsupportedSchema`) any other, so a schema edit cannot silently widen the gap.
Tests compare the two on mutated documents.

The semantics mirror jsonschema's (4.x) keyword functions: a keyword about strings,
arrays or objects says nothing about other types; "object" is a dict and "array" a list;
bools are not numbers; ``enum``/``const`` compare with jsonschema's ``equal`` (True is
not 1); ``pattern`` is Python's ``re.search``.
"""
from __future__ import annotations

import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any, Callable
from urllib.parse import unquote, urljoin

__all__ = ["UnsupportedSchema", "Validator", "compile_schema"]

Validator = Callable[[Any], bool]

# Keywords with no effect on validity.
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "examples",
                          "default", "deprecated", "readOnly", "writeOnly"})
_SUPPORTED = frozenset({"type", "enum", "const", "pattern", "minLength", "maxLength", "minItems",
                        "maxItems", "items", "properties", "additionalProperties", "required",
                        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
                        "$ref"})


class UnsupportedSchema(ValueError):
    """The schema uses something this compiler does not reproduce exactly."""


def _is_integer(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


_TYPES: dict[str, Validator] = {
    "string": lambda x: isinstance(x, str),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": lambda x: isinstance(x, numbers.Number) and not isinstance(x, bool),
    "integer": _is_integer,
}


def _equal(one: Any, two: Any) -> bool:
    """jsonschema._utils.equal: equality where True is not 1, applied inside containers."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(k in two and _equal(v, two[k]) for k, v in one.items())
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    return one == two


def _always(x: Any) -> bool:
    return True


def _never(x: Any) -> bool:
    return False


def _both(a: Validator, b: Validator) -> Validator:
    return lambda x: a(x) and b(x)


def _all_of(checks: list[Validator]) -> Validator:
    # A chain of `and`s: cheaper per call than all() over a generator.
    checks = [c for c in checks if c is not _always]
    if not checks:
        return _always
    if len(checks) > 2:  # one loop instead of a chain of calls (a connector has five checks)
        every = tuple(checks)

        def all_hold(x: Any) -> bool:
            for check in every:
                if not check(x):
                    return False
            return True

        return all_hold
    fn = checks[-1]
    for check in reversed(checks[:-1]):
        fn = _both(check, fn)
    return fn


def _string(s: dict) -> Validator | None:
    """type: string with its string keywords, as one closure (the most common schema)."""
    if s.get("type") != "string":
        return None
    search = re.compile(s["pattern"]).search if "pattern" in s else None
    low, high = s.get("minLength", 0), s.get("maxLength")
    if search is None and not low and high is None:
        return lambda x: isinstance(x, str)
    if high is None:
        high = float("inf")
    if search is None:
        return lambda x: isinstance(x, str) and low <= len(x) <= high
    return lambda x: isinstance(x, str) and low <= len(x) <= high and search(x) is not None


def _one_of_values(values: list[Any]) -> Validator:
    if all(isinstance(v, str) for v in values):
        allowed = frozenset(values)
        # equal(): a str equals only a str; any other instance is compared with == (False)
        return lambda x: isinstance(x, str) and x in allowed
    values_t = tuple(values)
    return lambda x: any(_equal(v, x) for v in values_t)


class _Compiler:
    def __init__(self, resources: Mapping[str, Any]) -> None:
        self.resources = dict(resources)
        self.done: dict[int, Validator] = {}
        self.keep: list[Any] = []  # the compiled schemas, so their ids stay unique

    def compile(self, schema: Any, root: Any) -> Validator:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"a schema must be an object or a boolean, not {type(schema).__name__}")
        key = id(schema)
        if key in self.done:
            return self.done[key]
        slot: list[Validator] = []
        self.done[key] = lambda x: slot[0](x)  # a $ref cycle ends here until the real one exists
        self.keep.append(schema)
        unknown = set(schema) - _SUPPORTED - _ANNOTATIONS
        if unknown:
            raise UnsupportedSchema(f"keyword(s) not compiled: {', '.join(sorted(unknown))}")
        if isinstance(schema.get("$id"), str):
            root = schema
        fn = _all_of(self._checks(schema, root))
        slot.append(fn)
        self.done[key] = fn
        return fn

    def _checks(self, s: dict, root: Any) -> list[Validator]:
        checks: list[Validator] = []
        sub = self.compile
        string = _string(s)
        if string is not None:
            checks.append(string)
            s = {k: v for k, v in s.items() if k not in ("type", "pattern", "minLength", "maxLength")}
        # `type: object` with the object keywords, and `type: array` with `items`, become one
        # closure each (below) that also tests the type: a call less per object and array,
        # the bulk of a document (the checks are a conjunction: their order is free)
        fused = s.get("type") if s.get("type") in ("object", "array") else None
        if fused == "object" and not ("properties" in s or "additionalProperties" in s or "required" in s):
            fused = None
        if fused == "array" and "items" not in s:
            fused = None
        if "type" in s and fused is None:
            names = [s["type"]] if isinstance(s["type"], str) else list(s["type"])
            if any(n not in _TYPES for n in names):
                raise UnsupportedSchema(f"unknown type in {names}")
            tests = tuple(_TYPES[n] for n in names)
            checks.append(tests[0] if len(tests) == 1 else (lambda x: any(t(x) for t in tests)))
        if "enum" in s:
            checks.append(_one_of_values(list(s["enum"])))
        if "const" in s:
            checks.append(_one_of_values([s["const"]]))
        if "pattern" in s:
            search = re.compile(s["pattern"]).search
            checks.append(lambda x: not isinstance(x, str) or search(x) is not None)
        if "minLength" in s:
            n_min = s["minLength"]
            checks.append(lambda x: not isinstance(x, str) or len(x) >= n_min)
        if "maxLength" in s:
            n_max = s["maxLength"]
            checks.append(lambda x: not isinstance(x, str) or len(x) <= n_max)
        if "minItems" in s:
            i_min = s["minItems"]
            checks.append(lambda x: not isinstance(x, list) or len(x) >= i_min)
        if "maxItems" in s:
            i_max = s["maxItems"]
            checks.append(lambda x: not isinstance(x, list) or len(x) <= i_max)
        if "items" in s:
            item = sub(s["items"], root)
            strict = fused == "array"

            def items(x: Any) -> bool:
                if isinstance(x, list):
                    for i in x:
                        if not item(i):
                            return False
                    return True
                return not strict  # `type: array` fused in: anything else fails

            checks.append(items)
        if "properties" in s or "additionalProperties" in s or "required" in s:
            checks.append(self._object(s, root, fused == "object"))
        if "allOf" in s:  # every part must hold: they join this schema's own checks
            checks.extend(sub(p, root) for p in s["allOf"])
        if "anyOf" in s:
            any_of = tuple(sub(p, root) for p in s["anyOf"])

            def any_part(x: Any) -> bool:
                for p in any_of:
                    if p(x):
                        return True
                return False

            checks.append(any_part)
        if "oneOf" in s:
            one_of = tuple(sub(p, root) for p in s["oneOf"])
            checks.append(lambda x: sum(1 for p in one_of if p(x)) == 1)
        if "not" in s:
            negated = sub(s["not"], root)
            checks.append(lambda x: not negated(x))
        if "if" in s:
            cond = sub(s["if"], root)
            then = sub(s["then"], root) if "then" in s else _always
            other = sub(s["else"], root) if "else" in s else _always
            checks.append(lambda x: then(x) if cond(x) else other(x))
        if "dependentSchemas" in s:
            deps = tuple((name, sub(d, root)) for name, d in s["dependentSchemas"].items())

            def dependents(x: Any) -> bool:  # a loop, not all() over a generator: one per action
                if isinstance(x, dict):
                    for name, d in deps:
                        if name in x and not d(x):
                            return False
                return True

            checks.append(dependents)
        if "$ref" in s:
            target, target_root = self._resolve(s["$ref"], root)
            checks.append(sub(target, target_root))
        return checks

    def _object(self, s: dict, root: Any, strict: bool = False) -> Validator:
        """properties + additionalProperties + required, in one pass over the keys
        (``strict``: with ``type: object``, so that anything but a dict fails)."""
        lenient = not strict
        props = {name: self.compile(p, root) for name, p in s.get("properties", {}).items()}
        extra = self.compile(s.get("additionalProperties", True), root)
        required = tuple(s.get("required", ()))
        get = props.get

        if extra is _always:
            # Extra keys are fine: look only at the named properties (the if/then parts of
            # our schemas name one or two of an object's many keys).
            named = tuple(props.items())

            def check_named(x: Any) -> bool:
                if not isinstance(x, dict):
                    return lenient
                for name in required:
                    if name not in x:
                        return False
                for name, f in named:
                    if name in x and not f(x[name]):
                        return False
                return True

            return check_named

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return lenient
            for name in required:
                if name not in x:
                    return False
            for k, v in x.items():
                f = get(k)
                if f is None:
                    if not extra(v):  # additionalProperties (False: any extra key fails)
                        return False
                elif not f(v):
                    return False
            return True

        return check

    def _resolve(self, ref: str, root: Any) -> tuple[Any, Any]:
        base = root.get("$id", "") if isinstance(root, dict) else ""
        url, _, fragment = urljoin(base, ref).partition("#")
        document = root if url in ("", base.partition("#")[0]) else self.resources.get(url)
        if document is None:
            raise UnsupportedSchema(f"$ref to an unknown resource: {ref}")
        if fragment and not fragment.startswith("/"):
            raise UnsupportedSchema(f"$ref to an anchor: {ref}")
        node = document
        for token in fragment.split("/")[1:]:
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise UnsupportedSchema(f"$ref points nowhere: {ref}")
        return node, document


def compile_schema(schema: Any, resources: Mapping[str, Any] | None = None) -> Validator:
    """A function telling whether an instance is valid against `schema`.

    `resources` maps absolute URIs (`$id`s) to the schemas a `$ref` may name.
    Raises `UnsupportedSchema` for keywords or references outside what is compiled.
    """
    return _Compiler(resources or {}).compile(schema, schema)
