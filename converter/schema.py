"""Validation against the output contract (schemas/*.schema.json, JSON Schema 2020-12).

Messages are written here from the failing keyword, the schema and the JSON path, never
from jsonschema's own text: that text quotes the offending value (`'sk-live…' does not
match …`), and a value in a connector file may be a secret.  A message may name a
property (the schema's own names; an unexpected key only when it cannot plausibly be a
token, see `_show_key`), but never a value.

Speed: a document is first checked by the schemas compiled into closures
(`converter.fastschema`, same answer as jsonschema's `is_valid`); jsonschema, and the
errors it describes, is consulted only for a document that fails.  jsonschema and
PyYAML are imported on first use, so converting valid documents never loads them.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from . import fastschema

if TYPE_CHECKING:  # imported lazily at run time: see the module docstring
    import yaml
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

__all__ = [
    "KINDS",
    "SchemaIssue",
    "detect_kind",
    "json_path",
    "load_schema",
    "schema_issues",
    "validate_action",
    "validate_bundle",
    "validate_connector",
    "validate_document",
    "validate_yaml_text",
]

KINDS = ("connector", "action", "bundle")
SCHEMA_BASE = "https://curl2connector.dev/schemas/v1/"
NOT_A_DOCUMENT = "not a connector, action or bundle document"


@dataclass(frozen=True)
class SchemaIssue:
    """One problem: where (a JSON path into the document) and what, with no input value.

    `key` is set for an unexpected property: the path names the mapping that holds it,
    and the key itself is where a YAML position should point.
    """

    path: tuple[str | int, ...]
    message: str
    key: Any = None

    def format(self) -> str:
        return f"{json_path(self.path)}: {self.message}"


# -- schemas and validators (loaded and built once) ---------------------------------


@functools.cache
def load_schema(kind: str) -> dict[str, Any]:
    """The parsed schema for `kind` (shared: do not mutate)."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}")
    from importlib.resources import files  # on first use: it imports a dozen modules

    text = files("converter.schemas").joinpath(f"{kind}.schema.json").read_text("utf-8")
    return json.loads(text)


@functools.cache
def _registry() -> Registry:
    from referencing import Registry, Resource

    # The bundle refers to the other two by $id; the registry resolves those without I/O.
    return Registry().with_resources(
        (load_schema(kind)["$id"], Resource.from_contents(load_schema(kind))) for kind in KINDS
    )


@functools.cache
def _validator(kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(kind), registry=_registry())


@functools.cache
def _fast_validator(kind: str) -> Callable[[Any], bool] | None:
    """The compiled yes/no check for `kind`; None if the schema outgrew the compiler."""
    resources = {load_schema(k)["$id"]: load_schema(k) for k in KINDS}
    try:
        return fastschema.compile_schema(load_schema(kind), resources)
    except fastschema.UnsupportedSchema:  # pragma: no cover - caught by tests on the schemas
        return None


# -- messages -----------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SHOWABLE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,23}\Z")


def json_path(path: Iterable[str | int]) -> str:
    out = ["$"]
    for seg in path:
        if isinstance(seg, int):
            out.append(f"[{seg}]")
        elif _IDENTIFIER.match(seg):
            out.append(f".{seg}")
        else:  # never produced from the schemas' own names; do not echo input
            out.append("[?]")
    return "".join(out)


def _show_key(key: Any) -> str:
    """Name an unexpected key only if it looks like a word, not like a token."""
    if isinstance(key, str) and _SHOWABLE_KEY.match(key) and sum(c.isdigit() for c in key) <= 2:
        return f"unexpected property '{key}'"
    return "unexpected property"


def _describe(error: ValidationError) -> str:
    keyword, expected = error.validator, error.validator_value
    if keyword == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        return "is not of type " + " or ".join(types)
    if keyword == "enum":
        return "is not one of " + ", ".join(str(v) for v in expected)
    if keyword == "const":
        return f"must be {expected}"
    if keyword == "pattern":
        return f"does not match {expected}"
    if keyword == "minLength":
        return "must not be empty" if expected == 1 else f"is shorter than {expected} characters"
    if keyword == "maxLength":
        return f"is longer than {expected} characters"
    if keyword == "minItems":
        return "must not be empty" if expected == 1 else f"has fewer than {expected} items"
    if keyword == "not" and isinstance(error.schema, dict):
        # Forbidden properties are `{"not": {}, "description": why}` in the schemas.
        return str(error.schema.get("description", "is not allowed here"))
    if keyword is None:  # a `false` schema
        return "is not allowed here"
    return f"fails the schema's {keyword} rule"


def _issues_from(error: ValidationError) -> Iterator[SchemaIssue]:
    path = tuple(error.absolute_path)
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        # jsonschema reports each missing name in its own error, but only in its text;
        # recomputing the set (then de-duplicating) avoids parsing that text.
        for name in error.validator_value:
            if name not in instance:
                yield SchemaIssue(path, f"missing required property '{name}'")
    elif error.validator == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        for key in instance:
            if key not in known:
                yield SchemaIssue(path, _show_key(key), key=key)
    else:
        yield SchemaIssue(path, _describe(error))


def _bundle_cross_checks(doc: Any) -> Iterator[SchemaIssue]:
    """What JSON Schema cannot say: names unique in a run, actions naming a known connector."""
    if not isinstance(doc, dict):
        return
    connector_names: dict[str, int] | None = None
    for section, what in (("connectors", "connector"), ("actions", "action")):
        items = doc.get(section)
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                continue
            if name in first:
                where = json_path((section, first[name], "name"))
                yield SchemaIssue((section, i, "name"), f"duplicate {what} name (first at {where})")
            else:
                first[name] = i
        if section == "connectors":
            connector_names = first
    actions = doc.get("actions")
    if connector_names is None or not isinstance(actions, list):
        return
    for i, action in enumerate(actions):
        target = action.get("connector") if isinstance(action, dict) else None
        if isinstance(target, str) and target not in connector_names:
            yield SchemaIssue(("actions", i, "connector"), "names no connector in this bundle")


def _doc_order(doc: Any, issue: SchemaIssue) -> tuple[int, ...]:
    """Sort key placing issues in document order (key order of the mappings)."""
    key: list[int] = []
    node = doc
    for seg in issue.path:
        if isinstance(node, dict):
            keys = list(node)
            key.append(keys.index(seg) if seg in node else len(keys))
            node = node.get(seg)
        elif isinstance(node, list) and isinstance(seg, int):
            key.append(seg)
            node = node[seg] if 0 <= seg < len(node) else None
        else:
            key.append(0)
            node = None
    if issue.key is not None and isinstance(node, dict):
        # where the unexpected key sits among its siblings
        key.append(list(node).index(issue.key) if issue.key in node else len(node))
    return tuple(key)


def schema_issues(doc: Any, kind: str) -> list[SchemaIssue]:
    """All issues of `doc` as a `kind` document, de-duplicated, in document order."""
    fast = _fast_validator(kind)
    if fast is not None and fast(doc):
        issues: list[SchemaIssue] = []
    else:
        issues = [issue for error in _validator(kind).iter_errors(doc) for issue in _issues_from(error)]
    if kind == "bundle":
        issues.extend(_bundle_cross_checks(doc))
    unique = list(dict.fromkeys(issues))  # a property forbidden twice is one problem
    # Stable sort: issues at one spot keep the schema's order (required names as listed).
    unique.sort(key=lambda i: _doc_order(doc, i))
    return unique


def validate_document(doc: Any, kind: str) -> list[str]:
    return [issue.format() for issue in schema_issues(doc, kind)]


def validate_connector(doc: Any) -> list[str]:
    """Messages `$.path: problem` for a connector mapping; empty when it is valid."""
    return validate_document(doc, "connector")


def validate_action(doc: Any) -> list[str]:
    return validate_document(doc, "action")


def validate_bundle(doc: Any) -> list[str]:
    return validate_document(doc, "bundle")


def detect_kind(doc: Any) -> str | None:
    """Which kind of document this looks like, from its top-level keys."""
    if not isinstance(doc, dict):
        return None
    if "connectors" in doc or "actions" in doc:
        return "bundle"
    if "base_url" in doc or "auth_config" in doc:
        return "connector"
    if "method" in doc or "path" in doc:
        return "action"
    return None


# -- YAML text with positions ---------------------------------------------------------


def _mark(node: yaml.Node | None) -> tuple[int, int]:
    if node is None:
        return (1, 1)
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _key_value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        try:
            return loader.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            return object()  # matches nothing
    return object()


def _locate(loader: yaml.SafeLoader, root: yaml.Node, issue: SchemaIssue) -> tuple[int, int]:
    """line:col of the node an issue is about (the deepest node of its path that exists)."""
    import yaml

    node = root
    for seg in issue.path:
        child = None
        if isinstance(node, yaml.MappingNode) and isinstance(seg, str):
            for key_node, value_node in node.value:  # the last duplicate key wins, as on load
                if key_node.tag == "tag:yaml.org,2002:str" and key_node.value == seg:
                    child = value_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(seg, int):
            child = node.value[seg] if 0 <= seg < len(node.value) else None
        if child is None:
            return _mark(node)
        node = child
    if issue.key is not None and isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if _key_value(loader, key_node) == issue.key:
                return _mark(key_node)
    return _mark(node)


def _iter_nodes(node: yaml.Node) -> Iterator[yaml.Node]:
    import yaml

    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:  # aliases share nodes
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in reversed(current.value):
                stack.extend((value_node, key_node))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))


def _unconvertible_scalar(loader: yaml.SafeLoader, root: yaml.Node) -> yaml.Node | None:
    """The scalar whose conversion failed (an impossible date such as 2026-02-30)."""
    import yaml

    # The failed construction left its node marked as "in progress"; start afresh.
    loader.constructed_objects, loader.recursive_objects = {}, {}
    for node in _iter_nodes(root):
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node)
            except (ValueError, OverflowError):
                return node
            except yaml.YAMLError:
                continue
    return None


def _parse(text: str, source: str) -> tuple[Any, yaml.Node | None, yaml.SafeLoader | None, str | None]:
    """(data, root node, loader, error message); on error only the message is set."""
    import yaml

    def invalid(line: int, col: int, problem: str) -> str:
        return f"{source}:{line}:{col}: invalid YAML: {problem}"

    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        return None, None, None, invalid(line, col, f"unacceptable character #x{exc.character:04x}")
    root = None
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        # Only `problem`: the context snippet (and `str(exc)`) would echo input text.
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        loader.dispose()
        return None, None, None, invalid(line, col, exc.problem or exc.context or "cannot parse")
    except (ValueError, OverflowError):
        bad = _unconvertible_scalar(loader, root) if root is not None else None
        loader.dispose()
        return None, None, None, invalid(*_mark(bad), "a scalar cannot be converted to its type")
    except RecursionError:
        loader.dispose()
        return None, None, None, invalid(1, 1, "nesting too deep")
    return data, root, loader, None


def _first_alias(text: str) -> tuple[int, int] | None:
    """line:col of the first alias in the text (a linear scan of parser events)."""
    if "*" not in text:
        return None
    import yaml

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1, event.start_mark.column + 1
    except yaml.YAMLError:
        return None  # reported with its position by the full parse
    return None


def validate_yaml_text(text: str, source: str = "<stdin>", kind: str | None = None) -> list[str]:
    """Validate YAML text; messages are `source:line:col: $.path: problem`, in file order.

    `kind` is "connector", "action" or "bundle"; None detects it from the top-level keys.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}")
    alias = _first_alias(text)
    if alias is not None:  # definitions never need them, and expanding them can explode
        return [f"{source}:{alias[0]}:{alias[1]}: YAML aliases (*name) are not allowed in definitions"]
    data, root, loader, error = _parse(text, source)
    if error is not None:
        return [error]
    assert loader is not None
    try:
        kind = kind or detect_kind(data)
        if kind is None:
            line, col = _mark(root)
            return [f"{source}:{line}:{col}: {NOT_A_DOCUMENT}"]
        located = []
        for issue in schema_issues(data, kind):
            line, col = _locate(loader, root, issue) if root is not None else (1, 1)
            located.append(((line, col), issue.format()))
    finally:
        loader.dispose()
    located.sort(key=lambda item: item[0])  # stable: ties keep document order
    return [f"{source}:{line}:{col}: {message}" for (line, col), message in located]
