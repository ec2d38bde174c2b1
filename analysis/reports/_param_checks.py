"""Private: values given for report parameters, coerced and checked before any kernel starts.

:func:`coerce_cli_value` reads a ``-p name value`` string; :func:`validate_parameters` checks
the values against the declarations read by :mod:`analysis.reports._params`.

A report notebook declares what is valid next to each parameter of its ``parameters`` cell,
in the line's comment as ``(valid: RULES)`` (rules separated by ``;``), or as a ``Literal``:

==========================  ==========================================================
``one of day, week, month``  one of these strings (like ``Literal["day", "week", "month"]``)
``each one of PERSON, ORG``  every item of a list is one of these (``list[Literal[...]]``)
``min 1`` / ``max 10``       a number at least 1 / at most 10
``> 0`` / ``< 5``            a number above 0 / below 5
``1..5``                     a number from 1 to 5, both included
``date``                     a date ``YYYY-MM-DD`` (or an ISO timestamp)
``window``                   a period such as ``24h``, ``7d``, ``4w``, ``1m``, ``1q``
``column``                   a corpus column name (checked in the notebook, against the
                             loaded corpus: :func:`.notebook.check_column`)
``non-empty``                a list with at least one item
==========================  ==========================================================

The comment holds no ``=`` (papermill's own parameter reader skips a line with two), hence
``min 1`` rather than ``>= 1``. None passes every rule when the parameter is ``Optional``.

Some parameters belong to the runner: ``output_dir`` is always the report's own folder, so a
file the report writes sits beside its HTML and the link to it works.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Any

from analysis.errors import NewsdeskError, ReportError
from analysis.reports._params import ReportParameter

_NONE = type(None)

#: Parameters the runner sets; a value given for them is refused.
RUNNER_OWNED: dict[str, str] = {
    "output_dir": "the runner writes every file of a report into the report's own folder "
    "(beside its HTML, so links work); it cannot be set",
}

_BOUND = re.compile(r"^(min|max|>|<)\s*(-?\d+(?:\.\d+)?)$")
_SPAN = re.compile(r"^(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)$")
_WORDS = ("date", "window", "column", "non-empty")


def _number(text: str) -> float | int:
    return float(text) if "." in text else int(text)


def _fail(report: str, param: ReportParameter, value: Any, expected: str) -> ReportError:
    return ReportError(
        f"report {report!r}: parameter {param.name}={value!r} is not valid; expected "
        f"{expected} (default: {param.default_text})"
    )


def _check_rule(report: str, param: ReportParameter, value: Any, rule: str) -> None:
    from analysis.analyses.periods import parse_date_bound, parse_window

    rule = rule.strip()
    if m := _BOUND.match(rule):
        op, limit = m.group(1), _number(m.group(2))
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _fail(report, param, value, "a number")
        ok = {"min": value >= limit, "max": value <= limit, ">": value > limit, "<": value < limit}
        words = {"min": "at least", "max": "at most", ">": "above", "<": "below"}
        if not ok[op]:
            raise _fail(report, param, value, f"a number {words[op]} {limit}")
    elif m := _SPAN.match(rule):
        lo, hi = _number(m.group(1)), _number(m.group(2))
        if not isinstance(value, int | float) or isinstance(value, bool) or not lo <= value <= hi:
            raise _fail(report, param, value, f"a number from {lo} to {hi}")
    elif rule == "date":
        try:
            parse_date_bound(value, arg=param.name)
        except NewsdeskError:
            raise _fail(report, param, value, 'a date YYYY-MM-DD (e.g. "2026-09-01")') from None
    elif rule == "window":
        try:
            parse_window(value, arg=param.name)
        except NewsdeskError as exc:
            raise ReportError(f"report {report!r}: parameter {exc}") from None
    elif rule == "column":
        if not isinstance(value, str) or not value.strip():
            raise _fail(report, param, value, "the name of a corpus column, e.g. 'source'")
    elif rule == "non-empty":
        if isinstance(value, list | tuple | dict | str) and len(value) == 0:
            raise _fail(report, param, value, "at least one item")
    else:
        raise ReportError(
            f"report {report!r}: parameter {param.name} declares an unknown rule "
            f"'(valid: {rule})'; rules are one of A, B; each one of A, B; min N; max N; "
            f"> N; < N; N..M; {'; '.join(_WORDS)}"
        )


def check_value(report: str, param: ReportParameter, value: Any) -> None:
    """Raise ReportError when ``value`` (already of the right type) is not a valid value
    of ``param``: runner-owned, not among its ``Literal`` choices, or breaking its rule."""
    if param.name in RUNNER_OWNED:
        raise ReportError(
            f"report {report!r}: parameter {param.name}={value!r} is refused: "
            f"{RUNNER_OWNED[param.name]}"
        )
    if value is None:
        return  # the type check already decided whether None is allowed
    if param.choices is not None and value not in param.choices:
        raise _fail(report, param, value, "one of " + ", ".join(map(repr, param.choices)))
    if param.item_choices is not None and isinstance(value, list | tuple):
        bad = [v for v in value if v not in param.item_choices]
        if bad:
            raise _fail(
                report,
                param,
                value,
                f"items from {', '.join(map(repr, param.item_choices))} (not {bad[0]!r})",
            )
    for rule in filter(None, (r.strip() for r in param.rule.split(";"))):
        _check_rule(report, param, value, rule)


def check_combination(report: str, values: Mapping[str, Any]) -> None:
    """Checks across parameters: ``start`` with ``window``, ``start`` after ``end``."""
    from analysis.analyses.periods import parse_date_bound

    start, end, window = values.get("start"), values.get("end"), values.get("window")
    if start and window:
        raise ReportError(
            f"report {report!r}: parameters start={start!r} and window={window!r} cannot both "
            "be given: a window counts back from end (or the newest article); give start and "
            "end instead"
        )
    try:
        lo = parse_date_bound(start, arg="start")
        hi = parse_date_bound(end, arg="end")
    except NewsdeskError:
        return  # not declared as dates here; the notebook reports it
    if lo is not None and hi is not None and lo > hi:
        raise ReportError(
            f"report {report!r}: parameter start={start!r} is after end={end!r}; "
            "expected start <= end"
        )


# ------------------------------------------------------------------ values given


def unknown_parameter_error(report: str, name: Any, value: Any, valid: list[str]) -> ReportError:
    """The error for a parameter the report does not declare, with the closest name."""
    close = difflib.get_close_matches(str(name), valid, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ReportError(
        f"report {report!r} has no parameter {name!r} (value {value!r}).{hint} "
        f"Valid parameters: {', '.join(valid) or '(none)'}"
    )


def _plain(value: Any, accepts_str: bool) -> Any:
    """Dates become ISO strings (YAML reads 2024-01-01 as a date); containers recursively."""
    if isinstance(value, dt.date) and accepts_str:
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v, True) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, True) for k, v in value.items()}
    return value


def _is_literal(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(_is_literal(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_literal(v) for k, v in value.items())
    return False


def validate_parameters(
    report: str, given: dict[str, Any], declared: dict[str, ReportParameter]
) -> dict[str, Any]:
    """Check ``given`` against ``declared``; return the values to pass to the notebook.

    Raises ReportError naming the report, the parameter, the value and what is valid:
    for the type, and for the valid values declared beside it (``Literal[...]``,
    ``(valid: ...)``; see :func:`check_value`).
    """
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name not in declared:
            raise unknown_parameter_error(report, name, value, sorted(declared))
        param = declared[name]
        value = _plain(value, param.allowed is None or str in param.allowed)
        if not _is_literal(value) or not param.accepts(value):
            annotation = f" (declared `{name}: {param.type}`)" if param.type else ""
            raise ReportError(
                f"report {report!r}: parameter {name}={value!r} has type "
                f"{type(value).__name__}; expected {param.describe_type()}{annotation}; "
                f"default is {param.default_text}"
            )
        check_value(report, param, value)
        values[name] = value
    check_combination(report, {**{k: p.default for k, p in declared.items()}, **values})
    return values


def coerce_cli_value(raw: str, param: ReportParameter | None) -> Any:
    """A ``-p name value`` string as a value.

    A parameter declared ``str`` (or ``Optional[str]``, or a ``Literal`` of strings) takes
    the text as given: ``"Section #5 ruling"`` stays whole, ``"~"`` is not None. Other
    parameters are read as YAML (numbers, lists, null, true); when that fails, or the parsed
    value does not fit and the parameter also accepts str, the raw string is used.
    """
    import yaml

    if param is not None and param.allowed is not None and set(param.allowed) <= {str, _NONE}:
        return raw
    try:
        parsed = yaml.safe_load(raw) if raw.strip() else raw
    except (yaml.YAMLError, ValueError):  # ValueError: e.g. a YAML date 2026-13-45
        parsed = raw
    if param is None:
        return parsed
    plain = _plain(parsed, param.allowed is None or str in param.allowed)
    if param.accepts(plain) and _is_literal(plain):
        return plain
    if param.allowed is not None and str in param.allowed:
        return raw
    return plain
