"""Site boilerplate removal: footer blocks, known footer lines, lines repeated across a source.

Conservative by design — only *whole lines* (and whole paragraphs) are removed, never parts
of a line:

1. A footer block: a line that ends an article on scraped sites (:data:`END_MARKERS`:
   "Source link", "Disclaimer:", "Leave a Comment", share/subscribe/follow lines, "Related
   articles", a copyright line) ends the article — everything from it on is boilerplate.
   Guards: real text must come before it, and the block (from the marker to the end) is
   never more than ``footer_max_share`` of the body's characters, so a marker can only end
   the article in its last part.
2. Known footer/share/subscribe lines (:data:`FOOTER_PATTERNS`, case-insensitive, whole
   line, at most ``max_chars`` long), wherever they stand alone in the body.
3. Lines and paragraphs (blank-line separated blocks) of any length repeated verbatim
   (after whitespace collapsing) in many documents of one source: one is boilerplate when
   it occurs in at least ``max(min_docs, min_share * n)`` of the ``n`` distinct documents of
   that source (documents with no source form one group). Exact copies of a document count
   once, so duplicated articles do not erase themselves.

The title is never touched, and repeated-line removal never empties a body (a one-line
RSS summary shared by several items stays). Blank lines left around a removed line are
collapsed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

__all__ = [
    "END_MARKERS",
    "FOOTER_PATTERNS",
    "Cleaned",
    "clean_boilerplate",
    "cut_footer",
    "document_digest",
    "document_units",
    "finish_document",
    "is_end_marker",
    "is_footer_line",
    "remove_boilerplate",
    "repeated_need",
]

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

# Lines after which a scraped article has ended (a subset of FOOTER_PATTERNS: "Read more",
# "Click here" and "Advertisement" also stand inside articles, so they only go as lines).
END_MARKERS: tuple[str, ...] = (
    r"source\s*link",
    r"disclaimer\s*:.*",
    r"leave\s+a\s+(?:comment|reply)\.?",
    r"share\s+(?:this|the)\s+(?:article|story|post|page)(?:\s+(?:on|via)\s+.{1,60})?[.!:]?",
    r"share\s+on\s+(?:facebook|twitter|x|linkedin|whatsapp|email)",
    r"follow\s+us\s+(?:on|at)\s+.{1,100}",
    r"(?:copyright\s*)?(?:©|\(c\)|copyright)\s*.{0,150}all\s+rights\s+reserved\.?",
    r"(?:subscribe|sign\s+up)\s+(?:to|for)\s+(?:our|the)\s+(?:free\s+|daily\s+|weekly\s+)?newsletters?\b.{0,80}",
    r"(?:related|recommended)\s+(?:articles|stories|posts|content)\s*:?",
)
_END = re.compile(r"^\s*(?:" + "|".join(END_MARKERS) + r")\s*$", re.IGNORECASE | re.DOTALL)
_DISCLAIMER = re.compile(r"^\s*disclaimer\s*:", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def is_footer_line(line: str, *, max_chars: int = 200) -> bool:
    """True when ``line`` as a whole is a known footer/share/subscribe line."""
    return len(line) <= max_chars and bool(_FOOTER.match(line))


def is_end_marker(line: str, *, max_chars: int = 200) -> bool:
    """True when ``line`` ends a scraped article ("Source link", "Disclaimer: ...", ...).

    A "Disclaimer:" line may be of any length (the disclaimer itself often follows the
    colon); the others are at most ``max_chars`` long.
    """
    if _DISCLAIMER.match(line):
        return True
    return len(line) <= max_chars and bool(_END.match(line))


def _key(line: str) -> str:
    """Whitespace collapsed (a very long line without a list of all its words)."""
    if len(line) < 65536:
        return " ".join(line.split())
    return _SPACE.sub(" ", line).strip(" ")


@dataclass
class Cleaned:
    """What :func:`clean_boilerplate` did: texts and, per text, what went."""

    texts: list[str]
    lines: list[int]  # non-blank lines removed
    chars: list[int]  # characters removed (len before - len after)
    footer: list[str | None]  # the marker line that ended the article, if any


def _footer_start(lines: list[str], *, max_share: float, max_chars: int) -> int | None:
    """Index of the line that ends the article (a guarded end marker), or None."""
    total = sum(len(line) + 1 for line in lines)
    offset = 0
    content_before = False
    for i, line in enumerate(lines):
        if (
            content_before
            and total - offset <= max_share * total
            and is_end_marker(line, max_chars=max_chars)
        ):
            return i
        if line.strip() and not is_footer_line(line, max_chars=max_chars):
            content_before = True
        offset += len(line) + 1
    return None


def _paragraphs(lines: list[str]) -> list[list[int]]:
    """Paragraphs (blank-line separated blocks) as lists of line indexes."""
    paras: list[list[int]] = [[]]
    for i, line in enumerate(lines):
        if line.strip():
            paras[-1].append(i)
        elif paras[-1]:
            paras.append([])
    return [p for p in paras if p]


def remove_boilerplate(
    texts: Sequence[str],
    groups: Sequence[Hashable],
    *,
    footers: bool = True,
    repeated: bool = True,
    min_docs: int = 3,
    min_share: float = 0.2,
    max_chars: int = 200,
    footer_max_share: float = 0.5,
) -> tuple[list[str], list[int]]:
    """Remove boilerplate from each text: :func:`clean_boilerplate` without the details.

    Returns:
        ``(cleaned texts, number of non-blank lines removed per text)``.

    Example:
        >>> remove_boilerplate(["Real news.\\nShare this article"], [None])
        (['Real news.'], [1])
    """
    done = clean_boilerplate(
        texts,
        groups,
        footers=footers,
        repeated=repeated,
        min_docs=min_docs,
        min_share=min_share,
        max_chars=max_chars,
        footer_max_share=footer_max_share,
    )
    return done.texts, done.lines


def clean_boilerplate(
    texts: Sequence[str],
    groups: Sequence[Hashable],
    *,
    footers: bool = True,
    repeated: bool = True,
    min_docs: int = 3,
    min_share: float = 0.2,
    max_chars: int = 200,
    footer_max_share: float = 0.5,
) -> Cleaned:
    """Remove footer blocks, footer lines and repeated lines/paragraphs from each text.

    Args:
        texts: document bodies (no title), paragraphs separated by newlines.
        groups: one group key per text (the source; None for unknown).
        footers: cut footer blocks and remove lines matching :data:`FOOTER_PATTERNS`.
        repeated: remove lines and paragraphs repeated across many documents of a group.
        min_docs: a repeated line must occur in at least this many distinct documents...
        min_share: ...and in at least this share of the group's distinct documents.
        max_chars: footer *lines* (not repeated lines) are at most this long.
        footer_max_share: a footer block is at most this share of a body's characters.

    Returns:
        A :class:`Cleaned` with the texts and, per text, the lines and characters removed
        and the marker that ended the article.

    Example:
        >>> clean_boilerplate(["The council met on Monday.\\n\\nSource link\\nMore"], [None]).texts
        ['The council met on Monday.']
    """
    cut = [
        cut_footer(text, footers=footers, max_share=footer_max_share, max_chars=max_chars)
        for text in texts
    ]
    lines_of = [c[0] for c in cut]
    repeated_keys = _repeated_keys(lines_of, groups, min_docs, min_share) if repeated else {}
    out: list[str] = []
    removed_lines: list[int] = []
    chars: list[int] = []
    for text, group, (lines, cut_lines, _) in zip(texts, groups, cut, strict=True):
        done, removed = finish_document(
            text,
            lines,
            cut_lines,
            repeated_keys.get(group, set()),
            footers=footers,
            max_chars=max_chars,
        )
        out.append(done)
        removed_lines.append(removed)
        chars.append(len(text) - len(done))
    return Cleaned(out, removed_lines, chars, [c[2] for c in cut])


# The per-document steps of clean_boilerplate, also used by the incremental corpus snapshot
# (analysis.corpus._snapshot_merge): a document's footer cut, its identity and its repeatable
# units depend on the document alone; only the set of repeated units needs the others.


def cut_footer(
    text: str, *, footers: bool = True, max_share: float = 0.5, max_chars: int = 200
) -> tuple[list[str], int, str | None]:
    """A body's lines without its footer block (rule 1).

    Returns:
        ``(lines before the footer block, non-blank lines in the block, the marker that
        started it as shown in the load report)``; without a block, all lines, 0 and None.

    Example:
        >>> cut_footer("The council met on Monday.\\nSource link\\nMore")
        (['The council met on Monday.'], 2, 'Source link')
    """
    lines = text.split("\n")
    if footers:
        start = _footer_start(lines, max_share=max_share, max_chars=max_chars)
        if start is not None:
            cut = sum(1 for line in lines[start:] if line.strip())
            return lines[:start], cut, _key(lines[start])[:80]
    return lines, 0, None


def document_digest(lines: list[str]) -> bytes:
    """What makes two documents "exact copies" for rule 3 (their lines, whitespace collapsed)."""
    digest = hashlib.blake2b(digest_size=16)
    for line in lines:
        digest.update(_key(line).encode("utf-8", "surrogatepass") + b"\n")
    return digest.digest()


def document_units(lines: list[str]) -> set[str]:
    """The keys of a document's lines and multi-line paragraphs: what rule 3 counts."""
    keys = {_key(line) for line in lines}
    for para in _paragraphs(lines):
        if len(para) > 1:
            keys.add(_key(" ".join(lines[i] for i in para)))
    keys.discard("")
    return keys


def repeated_need(n_docs: int, min_docs: int, min_share: float) -> float:
    """In how many of a group's ``n_docs`` distinct documents a unit must be to be repeated."""
    return max(min_docs, min_share * n_docs)


def finish_document(
    text: str,
    lines: list[str],
    cut_lines: int,
    drop: set[str] | frozenset[str],
    *,
    footers: bool = True,
    max_chars: int = 200,
) -> tuple[str, int]:
    """A body cleaned of its footer block, footer lines and the repeated units in ``drop``.

    Args:
        text: the body as loaded.
        lines, cut_lines: what :func:`cut_footer` returned for it.
        drop: the group's repeated unit keys (only those among the document's own
            :func:`document_units` matter).

    Returns:
        ``(cleaned text, non-blank lines removed)``.
    """
    kept, removed = _drop_lines(lines, drop, footers=footers, max_chars=max_chars)
    removed += cut_lines
    if removed:
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return text, removed


def _repeated_keys(
    lines_of: list[list[str]], groups: Sequence[Hashable], min_docs: int, min_share: float
) -> dict[Hashable, set[str]]:
    """Per group, the line and paragraph keys repeated in enough distinct documents."""
    seen: dict[Hashable, set[bytes]] = defaultdict(set)
    unit_docs: dict[Hashable, Counter[str]] = defaultdict(Counter)
    for lines, group in zip(lines_of, groups, strict=True):
        digest = document_digest(lines)
        if digest in seen[group]:
            continue
        seen[group].add(digest)
        unit_docs[group].update(document_units(lines))
    found: dict[Hashable, set[str]] = {}
    for group, counter in unit_docs.items():
        need = repeated_need(len(seen[group]), min_docs, min_share)
        keys = {k for k, c in counter.items() if c >= need}
        if keys:
            found[group] = keys
    return found


def _drop_lines(
    lines: list[str], drop: set[str], *, footers: bool, max_chars: int
) -> tuple[list[str], int]:
    """Lines kept and the number of non-blank lines removed (footer lines, repeated units)."""
    gone: set[int] = set()
    if drop:
        for para in _paragraphs(lines):
            if len(para) > 1 and _key(" ".join(lines[i] for i in para)) in drop:
                gone.update(para)
        gone.update(i for i, line in enumerate(lines) if line.strip() and _key(line) in drop)
        content = {
            i
            for i, line in enumerate(lines)
            if line.strip() and not (footers and is_footer_line(line, max_chars=max_chars))
        }
        if content and content <= gone:
            gone = set()  # never empty a document by repeated-line removal alone
    if footers:
        gone.update(
            i
            for i, line in enumerate(lines)
            if line.strip() and is_footer_line(_key(line), max_chars=max_chars)
        )
    return [line for i, line in enumerate(lines) if i not in gone], len(gone)
