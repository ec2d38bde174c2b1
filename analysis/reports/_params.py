"""Private: read a report notebook's ``parameters`` cell (names, types, defaults, rules).

papermill's own scanner (``papermill.inspect_notebook``) skips annotations written as
``str | None`` (its pattern allows no ``|``), so the cell is parsed here with :mod:`ast`;
the help text is the comment at the end of the line, as in papermill.

Types understood: ``str``, ``int``, ``float``, ``bool``, ``list``, ``dict``, ``tuple``
(given as a list), ``X | None``, ``Optional[X]``, ``Union[...]``, ``list[...]``/``dict[...]``
(element types not checked), ``Literal[...]`` (the values it lists are the only valid ones;
``list[Literal[...]]`` for the items of a list), ``Any``. An unannotated parameter takes the
type of its literal default (anything when the default is ``None``).

Valid values beyond the type are declared in the line's comment as ``(valid: RULES)``, e.g.
``top: int = 20  # rows per table (valid: min 1)`` or
``freq: str = "week"  # time step (valid: one of day, week, month)``; ``one of ...`` and
``each one of ...`` become :attr:`ReportParameter.choices` / ``item_choices`` like a
``Literal``, values given are coerced and checked by :mod:`analysis.reports._param_checks`
before any kernel starts. (A comment holds no ``=``: papermill's own reader skips such lines.)
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import ReportError

_NONE = type(None)
_NAMES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "list": (list,),
    "List": (list,),
    "Sequence": (list,),
    "tuple": (list, tuple),
    "Tuple": (list, tuple),
    "dict": (dict,),
    "Dict": (dict,),
    "Mapping": (dict,),
    "None": (_NONE,),
    "NoneType": (_NONE,),
}
_TYPE_WORDS = {str: "str", int: "int", float: "float", bool: "bool", list: "list", dict: "dict"}
_TYPE_WORDS[tuple] = "list"
_TYPE_WORDS[_NONE] = "None"


@dataclass(frozen=True)
class ReportParameter:
    """One entry of a notebook's ``parameters`` cell.

    Attributes:
        name: Variable name.
        type: The annotation as written (``"str | None"``), or ``""`` when there is none.
        default: The default value (a Python literal), or None when it is not a literal.
        default_text: The default as written in the cell.
        help: The comment at the end of the line, if any.
        allowed: The Python types a value may have, or None for any type.
        choices: The values a ``Literal[...]`` annotation allows, or None.
        item_choices: The values each item of a ``list[Literal[...]]`` may take, or None.
        rule: The ``(valid: ...)`` rules of the comment other than choices, e.g.
            ``"min 1"`` or ``"date"`` (``;``-separated).
    """

    name: str
    type: str
    default: Any
    default_text: str
    help: str
    allowed: tuple[type, ...] | None
    choices: tuple[Any, ...] | None = None
    item_choices: tuple[Any, ...] | None = None
    rule: str = ""

    def accepts(self, value: Any) -> bool:
        """True when ``value`` fits the annotated (or inferred) type."""
        if self.allowed is None:
            return True
        if isinstance(value, bool):
            return bool in self.allowed
        return isinstance(value, self.allowed)

    def describe_type(self) -> str:
        """The type in words, e.g. ``"str or None"``."""
        if self.allowed is None:
            return "any value"
        words = list(dict.fromkeys(_TYPE_WORDS.get(t, t.__name__) for t in self.allowed))
        if "float" in words and "int" in words:
            words.remove("int")
        return " or ".join(words)


def _types_of(node: ast.expr) -> tuple[type, ...] | None:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return (_NONE,)
        if isinstance(node.value, str):  # a quoted annotation
            try:
                return _types_of(ast.parse(node.value, mode="eval").body)
            except SyntaxError:
                return None
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _types_of(node.left), _types_of(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Attribute):  # typing.Optional, t.Any
        return _types_of(ast.Name(id=node.attr))
    if isinstance(node, ast.Name):
        return _NAMES.get(node.id)
    if isinstance(node, ast.Subscript):
        base = _base_name(node)
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Literal":
            values = _literal_values(node)
            return None if values is None else tuple(dict.fromkeys(type(v) for v in values))
        if base in ("Optional", "Union"):
            parts = [_types_of(e) for e in inner]
            if any(p is None for p in parts):
                return None
            found = tuple(t for p in parts for t in p)  # type: ignore[union-attr]
            return (*found, _NONE) if base == "Optional" else found
        return _NAMES.get(base)
    return None


def _base_name(node: ast.Subscript) -> str:
    value = node.value
    return value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")


def _literal_values(node: ast.Subscript) -> tuple[Any, ...] | None:
    inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    try:
        return tuple(ast.literal_eval(e) for e in inner)
    except (ValueError, SyntaxError, TypeError):
        return None


def _choices(node: ast.expr | None) -> tuple[tuple[Any, ...] | None, tuple[Any, ...] | None]:
    """(choices, item_choices) of an annotation: ``Literal[...]`` (possibly ``Optional``
    or ``| None``) and ``list[Literal[...]]``."""
    if node is None:
        return None, None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return _choices(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return None, None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _choices(node.left), _choices(node.right)
        return left[0] or right[0], left[1] or right[1]
    if not isinstance(node, ast.Subscript):
        return None, None
    base = _base_name(node)
    if base == "Literal":
        return _literal_values(node), None
    inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if base in ("Optional", "Union"):
        found = [_choices(e) for e in inner]
        return next((c for c, _ in found if c), None), next((i for _, i in found if i), None)
    if base in ("list", "List", "Sequence", "tuple", "Tuple") and len(inner) == 1:
        items, _ = _choices(inner[0])
        return None, items
    return None, None


_RULE = re.compile(r"\(valid:\s*([^)]*)\)")
_ONE_OF = re.compile(r"^(each\s+)?one\s+of\s+(.+)$", re.IGNORECASE)


def _split_rules(
    text: str,
) -> tuple[str, tuple[str, ...] | None, tuple[str, ...] | None]:
    """``(other rules, choices, item choices)`` of a ``(valid: ...)`` text."""
    rules, choices, items = [], None, None
    for part in (p.strip() for p in text.split(";")):
        m = _ONE_OF.match(part)
        if m is None:
            if part:
                rules.append(part)
            continue
        values = tuple(v.strip().strip("\"'") for v in m.group(2).split(",") if v.strip())
        if m.group(1):
            items = values
        else:
            choices = values
    return "; ".join(rules), choices, items


def _comments(source: str) -> dict[int, str]:
    found: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                found[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def parse_parameters_source(source: str) -> dict[str, ReportParameter]:
    """Parameters declared at top level of a ``parameters`` cell's source."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ReportError(f"the parameters cell is not valid Python: {exc}") from exc
    comments = _comments(source)
    found: dict[str, ReportParameter] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            targets, annotation, value = [stmt.target.id], stmt.annotation, stmt.value
        elif isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
            targets, annotation, value = [t.id for t in stmt.targets], None, stmt.value  # type: ignore[attr-defined]
        else:
            continue
        default_text = (
            (ast.get_source_segment(source, value) or ast.unparse(value)) if value else ""
        )
        try:
            default = ast.literal_eval(value) if value is not None else None
            literal = True
        except (ValueError, SyntaxError, TypeError):
            default, literal = None, False
        if "\n" in default_text and value is not None:  # a list over several lines
            default_text = ast.unparse(value)
        if annotation is not None:
            allowed = _types_of(annotation)
            type_text = ast.unparse(annotation)
            if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                type_text = annotation.value
        elif literal and default is not None:
            allowed = _NAMES.get(type(default).__name__)
            type_text = ""
        else:
            allowed, type_text = None, ""
        choices, item_choices = _choices(annotation)
        help_text = comments.get(stmt.end_lineno or stmt.lineno, "")
        found_rule = _RULE.search(help_text)
        rule, listed, listed_items = _split_rules(found_rule.group(1) if found_rule else "")
        choices, item_choices = choices or listed, item_choices or listed_items
        for target in targets:
            found[target] = ReportParameter(
                name=target,
                type=type_text,
                default=default,
                default_text=default_text,
                help=help_text,
                allowed=allowed,
                choices=choices,
                item_choices=item_choices,
                rule=rule,
            )
    return found


def read_notebook_json(notebook: Path, *, report: str) -> dict[str, Any]:
    """The notebook as plain JSON (nbformat 4), read without importing nbformat (whose
    schema validator takes seconds to import: too slow for a check or a skip)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"report {report!r}: cannot read {str(notebook)!r}: {exc}") from None
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        raise ReportError(f"report {report!r}: {str(notebook)!r} is not an nbformat 4 notebook")
    return nb


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_parameters(notebook: Path, *, report: str) -> dict[str, ReportParameter]:
    """The parameters of ``notebook``; a ReportError when it has no ``parameters`` cell."""
    nb = read_notebook_json(notebook, report=report)
    cells = [
        c
        for c in nb["cells"]
        if isinstance(c, dict)
        and c.get("cell_type") == "code"
        and "parameters" in (c.get("metadata") or {}).get("tags", [])
    ]
    if len(cells) != 1:
        raise ReportError(
            f"report {report!r}: {notebook.name} must have exactly one code cell tagged "
            f"'parameters', found {len(cells)}"
        )
    try:
        params = parse_parameters_source(_source(cells[0]))
    except ReportError as exc:
        raise ReportError(f"report {report!r}: {exc}") from None
    return params
