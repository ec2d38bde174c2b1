"""Entity name normalisation: one real-world entity, one ``name``.

spaCy returns entity mentions as written ("the United Nations", "North Korea's",
"Putin", "U.S."). Counting, co-occurrence and sentiment per entity need one name
per entity, so :func:`normalize_entities` adds a ``name`` column computed in three
steps (the surface form stays in ``text``):

1. **Cleaning** (every label): a span running across a blank line (spaCy joining
   a headline's last word to the body's first) keeps its first paragraph;
   curly quotes/apostrophes become straight ones;
   whitespace runs (newlines, non-breaking spaces) collapse to one space;
   surrounding quotes, brackets and punctuation are stripped (a trailing ``.`` is
   kept, it belongs to abbreviations such as "U.S."); a leading "the "/"The " is
   dropped ("the United Nations" -> "United Nations"); a possessive ``'s`` or a
   bare ``'`` after an ``s`` is dropped ("North Korea's" -> "North Korea",
   "Jones'" -> "Jones"; a few brand names whose ``'s`` is part of the name, such
   as "McDonald's", are kept). For PERSON mentions a leading courtesy title
   (Mr, Mrs, Ms, Miss, Dr, with or without a dot) and leading lower-case words
   other than name particles ("plus Ryan Giggs"; "de", "van" stay) are dropped too.
2. **Alias table** (case-sensitive, on the cleaned name): "U.S." -> "United
   States", "UK" -> "United Kingdom", ... The default table ships at
   ``analysis/data/aliases.csv``; pass your own mapping or CSV path as ``aliases=``.
3. **Short names** (PERSON and, more strictly, ORG): a mention whose tokens are
   the leading or trailing tokens of exactly one longer name of the same label
   mentioned *earlier in the same document* takes that name ("Putin" after
   "Vladimir Putin", "Kim" after "Kim Jong Un"). When two earlier names fit
   ("Smith" after "John Smith" and "Jane Smith") the mention is left unchanged,
   unless one of them lies inside all the others ("Tony Blair" inside spaCy's
   over-long "Howard Tony Blair": "Blair" takes "Tony Blair").
   A one-word short name that no earlier name fits (a headline's "Blair" above the body's
   "Tony Blair") takes the one full name of the document that fits, if exactly
   one does (``lookahead=True``, the default).
   For ORG only a name followed by nothing but company suffixes is resolved
   ("Microsoft" after "Microsoft Corp", "Deutsche Bank" after "Deutsche Bank AG",
   "UFJ" after "UFJ Holdings"), so "Bank" never becomes "Bank of England" and an
   over-long spaCy span ("Premier League commission") does not absorb "Premier League".
   A one-word mention labelled ORG/GPE/NORP/LOC/FAC that is the surname of exactly one
   PERSON named in full in the document takes that person's name (spaCy's small model
   often labels "Castell said ..." ORG after "Rohan Castell"); ``label`` is unchanged.
   Names that came from the alias table are final.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis._validate import require_columns
from analysis.errors import AnalysisInputError

__all__ = [
    "DEFAULT_ALIASES_PATH",
    "aliases_fingerprint",
    "clean_entity_text",
    "load_aliases",
    "normalize_entities",
]

DEFAULT_ALIASES_PATH = Path(__file__).resolve().parents[1] / "data" / "aliases.csv"

# Bump whenever the rules below change what `name` a mention gets: it is part of
# aliases_fingerprint(), so caches of normalised names are invalidated with it.
_RULES_VERSION = "normalize-6"

_QUOTE_TABLE = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / curly apostrophe
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u2032": "'",  # prime
        "\u00b4": "'",  # acute accent used as apostrophe
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
# Stripped from both ends. "." only from the start: "U.S." keeps its final dot.
_LEAD_PUNCT = "\"'.,;:!?-\u2013\u2014/\\*#|~_"
_TRAIL_PUNCT = "\"',;:-\u2013\u2014/\\*#|~_"
_LEADING_THE = re.compile(r"^the\s+(?=\S)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?<=\w)'[sS]$|(?<=[sS])'$")
_TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+(?=\S)")
# Lower-case words that may start a person's name ("de Gaulle", "van Persie").
_NAME_PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "da",
        "di",
        "del",
        "della",
        "der",
        "den",
        "du",
        "le",
        "la",
        "al",
        "el",
        "bin",
        "ibn",
        "dos",
        "das",
        "ter",
        "st",
    ]
)
# Names whose final 's is part of the name, not a possessive.
_KEEP_POSSESSIVE = frozenset(
    {
        "McDonald's",
        "Sainsbury's",
        "Macy's",
        "Domino's",
        "Kellogg's",
        "Lloyd's",
        "Moody's",
        "Dillard's",
        "Wendy's",
        "Levi's",
    }
)
# Corporate suffixes: "Microsoft Corp" -> "Microsoft" may be resolved for ORG.
_ORG_SUFFIXES = frozenset(
    {
        "inc",
        "inc.",
        "corp",
        "corp.",
        "corporation",
        "co",
        "co.",
        "ltd",
        "ltd.",
        "plc",
        "llc",
        "ag",
        "sa",
        "nv",
        "se",
        "gmbh",
        "group",
        "holdings",
        "limited",
        "company",
    }
)
_SHORT_NAME_LABELS = ("PERSON", "ORG")
#: Labels spaCy gives a bare surname by mistake; resolved to a PERSON of the document.
_SURNAME_LABELS = frozenset({"ORG", "GPE", "NORP", "LOC", "FAC"})


def _strip_brackets(s: str) -> str:
    """Drop an unbalanced leading "(" / trailing ")" (and [], {}), or a wrapping pair."""
    pairs = {"(": ")", "[": "]", "{": "}", "<": ">"}
    changed = True
    while changed and s:
        changed = False
        first, last = s[0], s[-1]
        if first in pairs and last == pairs[first] and len(s) >= 2:
            s, changed = s[1:-1].strip(), True
        elif first in pairs and pairs[first] not in s:
            s, changed = s[1:].strip(), True
        elif last in pairs.values():
            opener = next(k for k, v in pairs.items() if v == last)
            if opener not in s:
                s, changed = s[:-1].strip(), True
    return s


def _strip_leading_lowercase(s: str) -> str:
    """Drop lower-case words spaCy let into a PERSON span ("plus Ryan Giggs")."""
    tokens = s.split(" ")
    while len(tokens) > 1 and tokens[0][:1].islower() and tokens[0] not in _NAME_PARTICLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def clean_entity_text(text: Any, *, label: str | None = None) -> str:
    """The cleaned form of one entity surface form (step 1 of :func:`normalize_entities`).

    Args:
        text: the mention as written; None/NaN count as "".
        label: the spaCy label; "PERSON" also drops a leading Mr/Mrs/Ms/Miss/Dr.

    Returns:
        The cleaned name, or the whitespace-collapsed text when cleaning would
        leave nothing (a mention made only of punctuation).

    Example:
        >>> clean_entity_text("the  North Korea\u2019s")
        'North Korea'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    if _PARAGRAPH_BREAK.search(text):
        # A span across a blank line (headline end + body start, "Nike\n\nNike"):
        # keep its first paragraph.
        text = next((p for p in _PARAGRAPH_BREAK.split(text) if p.strip()), text)
    raw = _WHITESPACE.sub(" ", text.translate(_QUOTE_TABLE)).strip()
    s = raw
    previous = None
    while s != previous:
        previous = s
        s = s.lstrip(_LEAD_PUNCT).rstrip(_TRAIL_PUNCT).strip()
        s = _strip_brackets(s)
        s = _LEADING_THE.sub("", s)
        if label == "PERSON":
            s = _strip_leading_lowercase(_TITLE.sub("", s))
        if s not in _KEEP_POSSESSIVE:
            s = _POSSESSIVE.sub("", s).strip()
    return s or raw


def load_aliases(path: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Read an alias table: a CSV with header ``alias,name``.

    Blank lines and lines starting with ``#`` are ignored; cells are stripped of
    surrounding whitespace. Matching is case-sensitive and happens after cleaning,
    so list aliases in their cleaned form ("US", not "the US's").

    Args:
        path: the CSV file; None reads the default table ``analysis/data/aliases.csv``.

    Returns:
        A dict alias -> name.

    Raises:
        AnalysisInputError: the file is missing, lacks the ``alias``/``name`` columns,
            has an empty cell, or gives one alias two different names.

    Example:
        >>> load_aliases()["U.S."]
        'United States'
    """
    p = DEFAULT_ALIASES_PATH if path is None else Path(path)
    if not p.is_file():
        raise AnalysisInputError(
            f"load_aliases(): path={str(p)!r} is not a file; expected a CSV with columns alias,name"
        )
    with p.open(encoding="utf-8-sig", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    fields = [f.strip() for f in (reader.fieldnames or [])]
    if "alias" not in fields or "name" not in fields:
        raise AnalysisInputError(
            f"load_aliases(): {str(p)!r} has columns {fields}; expected a header 'alias,name'"
        )
    reader.fieldnames = fields
    table: dict[str, str] = {}
    for lineno, row in enumerate(reader, start=2):
        alias = (row.get("alias") or "").strip()
        name = (row.get("name") or "").strip()
        if not alias or not name:
            raise AnalysisInputError(
                f"load_aliases(): {str(p)!r} data row {lineno - 1} has an empty alias or name: "
                f"{row!r}"
            )
        if alias in table and table[alias] != name:
            raise AnalysisInputError(
                f"load_aliases(): {str(p)!r} maps alias {alias!r} to both {table[alias]!r} "
                f"and {name!r}; keep one"
            )
        table[alias] = name
    return table


def _alias_table(aliases: Any, *, func: str) -> dict[str, str]:
    if aliases is None or isinstance(aliases, (str, os.PathLike)):
        return load_aliases(aliases)
    if isinstance(aliases, Mapping):
        bad = [
            (k, v) for k, v in aliases.items() if not isinstance(k, str) or not isinstance(v, str)
        ]
        if bad:
            raise AnalysisInputError(f"{func}(): aliases must map str -> str; got {bad[:3]!r}")
        return dict(aliases)
    raise AnalysisInputError(
        f"{func}(): aliases={aliases!r} is not valid; expected None (default table), "
        "a mapping alias -> name, or a path to a CSV with columns alias,name"
    )


def aliases_fingerprint(aliases: Any = None) -> str:
    """A stable hash of an alias table and of the normalisation rules' version.

    Equal tables give equal fingerprints whatever their order or source (mapping
    or CSV); use it in cache keys of anything that stores normalised names.

    Args:
        aliases: a mapping, a CSV path, or None for the default table.

    Returns:
        16 hex digits.

    Example:
        >>> aliases_fingerprint({"UK": "United Kingdom"}) == aliases_fingerprint(
        ...     {"UK": "United Kingdom"})
        True
    """
    table = _alias_table(aliases, func="aliases_fingerprint")
    payload = json.dumps([_RULES_VERSION, sorted(table.items())], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _is_affix(short: list[str], full: list[str]) -> str | None:
    """ "prefix"/"suffix" when ``short`` is the leading/trailing tokens of ``full``."""
    n = len(short)
    if n >= len(full):
        return None
    if full[:n] == short:
        return "prefix"
    if full[-n:] == short:
        return "suffix"
    return None


def _short_name_allowed(label: str, short: list[str], full: list[str], where: str) -> bool:
    if label == "PERSON":
        return True
    # ORG: only "X" for "X Inc"/"X Group"/... ("Bank" never becomes "Bank of England",
    # and spaCy's over-long spans such as "Premier League commission" do not spread).
    return where == "prefix" and all(t in _ORG_SUFFIXES for t in full[len(short) :])


def _candidates(label: str, tokens: list[str], known: dict[str, list[str]]) -> set[str]:
    found = set()
    for full_name, full_tokens in known.items():
        where = _is_affix(tokens, full_tokens)
        if where and _short_name_allowed(label, tokens, full_tokens, where):
            found.add(full_name)
    return found


def _contains(inner: list[str], outer: list[str]) -> bool:
    n = len(inner)
    return any(outer[k : k + n] == inner for k in range(len(outer) - n + 1))


def _pick(matches: set[str]) -> str | None:
    """The one full name, or the one nested in all the others (same person: "Tony
    Blair" within spaCy's over-long "Howard Tony Blair"); else None (ambiguous)."""
    if len(matches) == 1:
        return next(iter(matches))
    tokens = {m: m.casefold().split(" ") for m in matches}
    for m in sorted(matches, key=len):
        if all(_contains(tokens[m], tokens[o]) for o in matches if o != m):
            return m
    return None


def _resolve_short_names(
    names: list[str], labels: list[str], final: list[bool], *, lookahead: bool
) -> list[str]:
    """Resolve short names within ONE document (mentions in text order)."""
    out = list(names)
    earlier: dict[str, dict[str, list[str]]] = {lab: {} for lab in _SHORT_NAME_LABELS}
    unmatched: list[int] = []
    for i, (name, label) in enumerate(zip(names, labels, strict=True)):
        if label not in earlier:
            continue
        if not final[i] and name:
            matches = _candidates(label, name.casefold().split(" "), earlier[label])
            chosen = _pick(matches) if matches else None
            if chosen is not None:
                out[i] = chosen
            elif not matches:
                unmatched.append(i)
        if out[i]:
            earlier[label].setdefault(out[i], out[i].casefold().split(" "))
    # spaCy's small model often labels a bare surname ORG or GPE ("Castell said ...")
    # when the same document names the person in full as PERSON: a one-word mention of
    # another label that is the surname of exactly one PERSON of the document is that
    # person (e.g. "Marsh" -> "Helena Marsh"). Aliased names stay final.
    people = {n: t for n, t in earlier["PERSON"].items() if len(t) > 1}
    if people:
        for i, (name, label) in enumerate(zip(names, labels, strict=True)):
            if label in _SURNAME_LABELS and not final[i] and name and " " not in name:
                fits = {n for n, t in people.items() if t[-1] == name.casefold()}
                if len(fits) == 1:
                    out[i] = next(iter(fits))
    if lookahead:
        # A short name before any full name (typically in the headline): take the one
        # full name of the document it fits, if exactly one does.
        for i in unmatched:
            if " " in names[i]:  # only one-word short names ("Blair"), as in headlines
                continue
            matches = _candidates(labels[i], names[i].casefold().split(" "), earlier[labels[i]])
            chosen = _pick(matches) if matches else None
            if chosen is not None:
                out[i] = chosen
    return out


def normalize_entities(
    entities: pd.DataFrame, *, aliases: Any = None, lookahead: bool = True
) -> pd.DataFrame:
    """Add a ``name`` column: the normalised name of each entity mention.

    See the module docstring for the three steps (cleaning, alias table, short
    names resolved to a full name mentioned earlier in the same document).

    Args:
        entities: one row per mention with columns doc_id, start, text, label
            (usually also sent_id, end). Row order does not matter: mentions are
            read in (doc_id, start) order for short-name resolution.
        aliases: None (default table ``analysis/data/aliases.csv``), a mapping
            alias -> name, or a path to a CSV with columns ``alias,name``.
        lookahead: also resolve a one-word short name that comes *before* any full
            name it fits (headlines: "Blair defends plan" above "Tony Blair said ...")
            when exactly one full name of the document fits and no earlier one does.
            False resolves only to names mentioned earlier.

    Returns:
        A new DataFrame, same rows, index and columns in the same order, with
        ``name`` added (replaced if present). ``text`` is unchanged.

    Raises:
        AnalysisInputError: missing columns or an unusable alias table.

    Example:
        >>> ents = pd.DataFrame({"doc_id": ["a", "a"], "start": [0, 30],
        ...     "text": ["Vladimir Putin", "Putin's"], "label": ["PERSON", "PERSON"]})
        >>> normalize_entities(ents)["name"].tolist()
        ['Vladimir Putin', 'Vladimir Putin']
    """
    func = "normalize_entities"
    if not isinstance(lookahead, bool):
        raise AnalysisInputError(
            f"{func}(): lookahead={lookahead!r} is not valid; expected True/False"
        )
    require_columns(entities, ["doc_id", "start", "text", "label"], func=func, arg="entities")
    table = _alias_table(aliases, func=func)
    out = entities.copy()
    if len(out) == 0:
        out["name"] = pd.Series([], index=out.index, dtype=object)
        return out

    labels = out["label"].astype(object).where(out["label"].notna(), "").astype(str).tolist()
    cleaned = [
        clean_entity_text(t, label=lab) for t, lab in zip(out["text"].tolist(), labels, strict=True)
    ]
    aliased = [table.get(c, c) for c in cleaned]
    final = [c in table for c in cleaned]

    # Read mentions in (doc_id, start) order, positions refer to rows of `out`.
    order = pd.DataFrame(
        {"doc": out["doc_id"].astype(str).to_numpy(), "start": out["start"].to_numpy()}
    )
    order["pos"] = range(len(order))
    order = order.sort_values(["doc", "start", "pos"], kind="stable")
    names = list(aliased)
    for _, group in order.groupby("doc", sort=False):
        pos = group["pos"].tolist()
        resolved = _resolve_short_names(
            [aliased[p] for p in pos],
            [labels[p] for p in pos],
            [final[p] for p in pos],
            lookahead=lookahead,
        )
        for p, n in zip(pos, resolved, strict=True):
            names[p] = n

    if "name" in out.columns:
        out = out.drop(columns="name")
    insert_at = out.columns.get_loc("label") + 1
    out.insert(insert_at, "name", pd.Series(names, index=out.index, dtype=object))
    return out
