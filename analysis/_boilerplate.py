"""Site boilerplate removal: known footer lines and lines repeated across a source.

Conservative by design — only *whole lines* are removed, never parts of a line:

1. Known footer/share/subscribe lines (:data:`FOOTER_PATTERNS`, case-insensitive,
   whole line, at most ``max_chars`` long), wherever they stand alone in the body.
2. Lines repeated verbatim (after whitespace collapsing) in many documents of one source:
   a line is boilerplate when it occurs in at least ``max(min_docs, min_share * n)`` of the
   ``n`` distinct documents of that source (documents with no source form one group).
   Exact copies of a document count once, so duplicated articles do not erase themselves,
   and lines longer than ``max_chars`` are never treated as repeated boilerplate.

The title is never touched, and repeated-line removal never empties a body (a one-line
RSS summary shared by several items stays). Blank lines left around a removed line are
collapsed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence

__all__ = ["FOOTER_PATTERNS", "is_footer_line", "remove_boilerplate"]

FOOTER_PATTERNS: tuple[str, ...] = (
    r"source\s*link",
    r"disclaimer\s*:.*",
    r"leave\s+a\s+(?:comment|reply)\.?",
    r"share\s+(?:this|the)\s+(?:article|story|post|page)(?:\s+(?:on|via)\s+.{1,60})?[.!:]?",
    r"share\s+on\s+(?:facebook|twitter|x|linkedin|whatsapp|email)",
    r"follow\s+us\s+(?:on|at)\s+.{1,100}",
    r"read\s+more\s*(?::.*|\.\.\.|…|»|>+)?",
    r"(?:copyright\s*)?(?:©|\(c\)|copyright)\s*.{0,150}all\s+rights\s+reserved\.?",
    r"©\s*(?:\d{4}\s*[-–]\s*)?\d{4}\b.{0,80}",
    r"(?:subscribe|sign\s+up)\s+(?:to|for)\s+(?:our|the)\s+(?:free\s+|daily\s+|weekly\s+)?newsletters?\b.{0,80}",
    r"click\s+here\s+(?:to|for)\s+.{1,100}",
    r"advertisement",
    r"(?:related|recommended)\s+(?:articles|stories|posts|content)\s*:?",
)
_FOOTER = re.compile(r"^\s*(?:" + "|".join(FOOTER_PATTERNS) + r")\s*$", re.IGNORECASE)


def is_footer_line(line: str, *, max_chars: int = 200) -> bool:
    """True when ``line`` as a whole is a known footer/share/subscribe line."""
    return len(line) <= max_chars and bool(_FOOTER.match(line))


def _key(line: str) -> str:
    return " ".join(line.split())


def remove_boilerplate(
    texts: Sequence[str],
    groups: Sequence[Hashable],
    *,
    footers: bool = True,
    repeated: bool = True,
    min_docs: int = 3,
    min_share: float = 0.2,
    max_chars: int = 200,
) -> tuple[list[str], list[int]]:
    """Remove boilerplate lines from each text.

    Args:
        texts: document bodies (no title), paragraphs separated by newlines.
        groups: one group key per text (the source; None for unknown).
        footers: remove lines matching :data:`FOOTER_PATTERNS`.
        repeated: remove lines repeated across many documents of a group.
        min_docs: a repeated line must occur in at least this many distinct documents...
        min_share: ...and in at least this share of the group's distinct documents.
        max_chars: longer lines are never removed.

    Returns:
        ``(cleaned texts, number of lines removed per text)``.

    Example:
        >>> remove_boilerplate(["Real news.\\nShare this article"], [None])
        (['Real news.'], [1])
    """
    repeated_lines: dict[Hashable, set[str]] = {}
    if repeated:
        seen: dict[Hashable, set[bytes]] = defaultdict(set)
        line_docs: dict[Hashable, Counter[str]] = defaultdict(Counter)
        for text, group in zip(texts, groups, strict=True):
            digest = hashlib.blake2b(_key(text).encode(), digest_size=16).digest()
            if digest in seen[group]:
                continue
            seen[group].add(digest)
            keys = {_key(line) for line in text.split("\n")}
            line_docs[group].update(k for k in keys if k and len(k) <= max_chars)
        for group, counter in line_docs.items():
            need = max(min_docs, min_share * len(seen[group]))
            found = {k for k, n in counter.items() if n >= need}
            if found:
                repeated_lines[group] = found
    out: list[str] = []
    counts: list[int] = []
    for text, group in zip(texts, groups, strict=True):
        drop = repeated_lines.get(group, set())
        lines = text.split("\n")
        if drop:
            content = {
                k
                for k in map(_key, lines)
                if k and not (footers and is_footer_line(k, max_chars=max_chars))
            }
            if content and content <= drop:
                drop = set()  # never empty a document by repeated-line removal alone
        kept: list[str] = []
        removed = 0
        for line in lines:
            key = _key(line)
            if key and ((footers and is_footer_line(key, max_chars=max_chars)) or key in drop):
                removed += 1
                continue
            kept.append(line)
        if removed:
            text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
        out.append(text)
        counts.append(removed)
    return out, counts
