"""The document-level entity layer: spaCy's mentions, corrected with what the document says.

spaCy's small model labels each mention on its own: "Eastwood" is a PERSON in one
sentence and an ORG in the next, a bare surname it has not seen before is often an ORG
or not tagged at all, and spans carry "the" and "'s". :func:`document_entities` builds a
separate layer from the raw mentions (``Annotations.entities``, which stay exactly as
spaCy gave them) and the sentence texts, one document at a time:

1. **Spans trimmed**: a leading "the ", a leading courtesy title (Mr, Mrs, Ms, Miss, Dr,
   Sir, Lord, Lady, Dame) before a capitalised word, a trailing possessive "'s" (or "'"
   after an s), surrounding whitespace and double quotes leave the span; a span running
   over a line break keeps its first line. ``start``/``end``/``text`` are the trimmed
   span's ("the Labour Party's" -> "Labour Party").
2. **Titles of the other sex block a merge**: a person named in full ("Michael Howard")
   has a sex when their first name is in ``analysis/data/first_names.csv`` or a title
   stands before the full name. A surname mention after a title of the other sex
   ("Mrs Howard") is not that person: it takes the one person of the document with that
   surname and a compatible sex, else its own name ("Mrs Howard").
3. **Surnames are the person**: the surname (last word, or particle + last word as in
   "El Guerrouj") of exactly one PERSON named in full in the document is that PERSON
   wherever it occurs: mentions spaCy labelled otherwise become PERSON, and untagged
   occurrences in the text are added (``origin="surname"``), unless a capitalised word
   joins them into a longer name ("Howard League").
4. **Untagged repeats**: an exact, untagged repeat of a tagged multi-word name is added
   (``origin="repeat"``).
5. **One label per name**: every mention of a name in a document takes the label of the
   majority of its mentions (ties: the label of a mention that spells the name out, then
   the first mention's). A country's name ("Sri Lanka" tagged PERSON in a headline) is a GPE,
   unless it is also a person's name ("Jordan", "Georgia").

The layer is :attr:`analysis.Annotations.document_entities`; the entity reports read it.
Demonyms ("Russian", "Americans") are handled in :mod:`analysis.nlp.nationalities`.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis._validate import require_columns
from analysis.nlp.nationalities import demonyms
from analysis.nlp.normalize import _KEEP_POSSESSIVE, _NAME_PARTICLES

__all__ = ["LAYER_COLUMNS", "document_entities"]

LAYER_COLUMNS = ["doc_id", "sent_id", "start", "end", "text", "label", "name", "origin"]
_DATA = Path(__file__).resolve().parents[1] / "data"
_TITLE_SEX = {
    "Mr": "m",
    "Mister": "m",
    "Sir": "m",
    "Lord": "m",
    "Mrs": "f",
    "Ms": "f",
    "Miss": "f",
    "Lady": "f",
    "Dame": "f",
    "Dr": None,
}
_TITLES = "|".join(_TITLE_SEX)
_TITLE_IN = re.compile(rf"^({_TITLES})\.?\s+(?=[A-Z])")
# In spans of other labels only these: "Miss World", "Lord Howe Island" keep theirs.
_TITLE_IN_ANY = re.compile(r"^(Mr|Mrs|Ms|Dr)\.?\s+(?=[A-Z])")
_TITLE_BEFORE = re.compile(rf"(?<![\w-])({_TITLES})\.?\s+$")
_THE = re.compile(r"^the\s+(?=\S)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019][sS]$|(?<=[sS])['\u2019]$")
_EDGE = ' \t\r\n\u00a0"\u201c\u201d'
# a dash, bullet or quote mark set off by a space is never part of the name beside it:
# "- Blair" in "poll issue - Blair"; "Boris Johnson '" before a quoted 'sorry' in a headline
_DASH_LEAD = re.compile(r"^[-\u2013\u2014\u2022*|'\u2018\u2019]+\s+")
_DASH_TRAIL = re.compile(r"\s+[-\u2013\u2014\u2022*|'\u2018\u2019]+$")
_WORD_BEFORE = re.compile(r"([\w'\u2019.-]+)\s*$")
_WORD_AFTER = re.compile(r"^\s*([\w-]+)")


@lru_cache(maxsize=1)
def _first_names() -> dict[str, str]:
    with (_DATA / "first_names.csv").open(encoding="utf-8") as fh:
        rows = csv.DictReader(ln for ln in fh if not ln.startswith("#"))
        return {r["name"]: r["sex"] for r in rows}


def _trim(text: str, start: int, label: str = "PERSON") -> tuple[int, int, str | None]:
    """The trimmed span (start, end) of a mention and a title found inside it."""
    s, t = start, text
    if "\n" in t.strip():
        first = next(p for p in t.split("\n") if p.strip())
        s += t.index(first)
        t = first
    title = None
    previous = None
    while t != previous:
        previous = t
        lead = len(t) - len(t.lstrip(_EDGE))
        t, s = t[lead:], s + lead
        t = t.rstrip(_EDGE + ":;,")  # "Commonwealth Games:" in a headline
        if m := _DASH_LEAD.match(t):
            t, s = t[m.end() :], s + m.end()
        t = _DASH_TRAIL.sub("", t)
        titles = _TITLE_IN if label == "PERSON" else _TITLE_IN_ANY
        for pattern in (_THE, titles):
            m = pattern.match(t)
            if m:
                title = m.group(1) if pattern is titles else title
                t, s = t[m.end() :], s + m.end()
        if t not in _KEEP_POSSESSIVE:
            t = _POSSESSIVE.sub("", t)
    if not t:
        return start, start + len(text), None
    return s, s + len(t), title


def _neighbours(sent_text: str, a: int, b: int) -> tuple[str, str]:
    """The word before and after [a, b) in a sentence ("" when none)."""
    before = _WORD_BEFORE.search(sent_text[:a])
    after = _WORD_AFTER.match(sent_text[b:])
    return (before.group(1) if before else "", after.group(1) if after else "")


_OPENERS = frozenset(
    [
        "But",
        "And",
        "So",
        "Then",
        "When",
        "While",
        "As",
        "If",
        "Yet",
        "Now",
        "Meanwhile",
        "However",
        "Also",
        "Only",
        "Even",
        "Both",
        "After",
        "Before",
        "Since",
        "Although",
        "Though",
        "Because",
        "Like",
        "Unlike",
        "With",
        "Without",
        "For",
        "Later",
        "Earlier",
        "Today",
        "Yesterday",
        "Here",
        "There",
        "Last",
        "Next",
        "Asked",
        "Speaking",
        "Instead",
        "Indeed",
        "Still",
        "Why",
        "How",
        "What",
        "Where",
        "Who",
        "That",
        "This",
        "Said",
    ]
)


def _joined(sent_text: str, a: int, b: int) -> bool:
    """True when a capitalised word touches [a, b) in its sentence: part of a longer name.

    A title ("Mr") before, a sentence-opening word ("But Blair said"), or punctuation
    between the words does not join.
    """
    before, after = _neighbours(sent_text, a, b)
    if after and after[0].isupper():
        return True
    if not before or not before[0].isupper() or before.rstrip(".") in _TITLE_SEX:
        return False
    if before.endswith("."):
        return False
    opening = sent_text[:a].strip() == before
    return not (opening and before in _OPENERS)


class _Doc:
    """One document's mentions and sentences, with the rules of the module docstring."""

    def __init__(
        self,
        mentions: list[dict[str, Any]],
        sents: list[tuple[int, int, str]],
        sent_ids: list[int],
    ):
        self.m = mentions
        self.sents = sents
        self.sent_ids = sent_ids
        self.starts = [s for s, _, _ in sents]
        size = max([e for _, e, _ in sents] + [r["end"] for r in mentions] + [0]) + 1
        self.taken = np.zeros(size, dtype=bool)

    def _sentence(self, pos: int) -> tuple[int, tuple[int, int, str]] | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.sents[i][1]:
            return i, self.sents[i]
        return None

    def _title_before(self, pos: int) -> str | None:
        found = self._sentence(pos)
        if found is None:
            return None
        _, (s, _, t) = found
        m = _TITLE_BEFORE.search(t[max(0, pos - s - 12) : pos - s])
        return m.group(1) if m else None

    def trim(self) -> None:
        for r in self.m:
            s, e, title = _trim(r["text"], r["start"], r["label"])
            r["start"], r["end"] = s, e
            r["text"] = r["text"][s - r["_s0"] : e - r["_s0"]]
            r["title"] = title or self._title_before(s)
            self.taken[s:e] = True

    def people(self) -> dict[str, str | None]:
        """Full names of PERSON mentions spelled out in the document -> sex (or None)."""
        first = _first_names()
        out: dict[str, str | None] = {}
        for r in self.m:
            toks = r["name"].split(" ")
            if r["label"] != "PERSON" or r["text"] != r["name"] or not 2 <= len(toks) <= 4:
                continue
            if not all(t[:1].isupper() or t in _NAME_PARTICLES or t[:1] in "'\"" for t in toks):
                continue
            sex = first.get(toks[0]) or _TITLE_SEX.get(r["title"] or "")
            if out.get(r["name"]) is None:
                out[r["name"]] = sex
        return out

    @staticmethod
    def surname_forms(people: dict[str, str | None]) -> dict[str, list[str]]:
        """Surname -> the people it may stand for. A country's name is a surname only when
        the first name is a known one ("Michael Jordan"; not spaCy's "Tour de France")."""
        forms: dict[str, list[str]] = defaultdict(list)
        countries = set(demonyms().values())
        for name in people:
            toks = name.split(" ")
            if toks[-1] in countries and toks[0] not in _first_names():
                continue
            if len(toks[-1]) >= 2:
                forms[toks[-1]].append(name)
            if len(toks) >= 3 and toks[-2].casefold() in _NAME_PARTICLES:
                forms[" ".join(toks[-2:])].append(name)
        return forms

    @staticmethod
    def _choose(
        candidates: list[str], title: str | None, people: dict[str, str | None]
    ) -> list[str]:
        """The candidates a title allows (all of them when there is no title of a sex)."""
        sex = _TITLE_SEX.get(title or "")
        return [c for c in candidates if sex is None or people[c] in (None, sex)]

    def surnames(self, people: dict[str, str | None]) -> None:
        forms = self.surname_forms(people)
        by_last = defaultdict(list)
        for name in people:
            by_last[name.split(" ")[-1]].append(name)
        for r in self.m:
            sex = _TITLE_SEX.get(r["title"] or "")
            text = r["text"]
            if r["name"] in people and r["name"].endswith(" " + text) and text not in forms:
                r["name"] = text  # a country, not the surname of a misread "person"
            elif text in forms:
                fits = self._choose(forms[text], r["title"], people)
                if len(fits) == 1:
                    r["name"], r["label"] = fits[0], "PERSON"
                elif not fits and sex is not None:  # "Mrs Howard"; only "Michael Howard" named
                    r["name"], r["label"] = f"{r['title']} {text}", "PERSON"
            elif (
                r["name"] in people and text != r["name"] and people[r["name"]] not in (None, sex)
            ) and sex:
                others = by_last.get(text.split(" ")[-1], [])
                fits = self._choose(others, r["title"], people)
                own = f"{r['title']} {text}" if not fits else text
                r["name"], r["label"] = fits[0] if len(fits) == 1 else own, "PERSON"
        for form, names in sorted(forms.items(), key=lambda kv: -len(kv[0])):
            for a, b, sent_id in self._scan(form):
                title = self._title_before(a)
                fits = self._choose(names, title, people)
                if len(fits) == 1:
                    chosen = fits[0]
                elif not fits and _TITLE_SEX.get(title or "") is not None:
                    chosen = f"{title} {form}"
                else:  # two people of the document fit: leave it
                    continue
                self._add(sent_id, a, b, "PERSON", chosen, "surname", title)

    def repeats(self) -> None:
        seen: dict[str, tuple[str, str]] = {}
        for r in self.m:
            if r["origin"] == "spacy" and " " in r["text"] and r["text"][:1].isupper():
                seen.setdefault(r["text"], (r["label"], r["name"]))
        for surface, (label, name) in sorted(seen.items(), key=lambda kv: -len(kv[0])):
            for a, b, sent_id in self._scan(surface):
                self._add(sent_id, a, b, label, name, "repeat", self._title_before(a))

    def _scan(self, surface: str) -> list[tuple[int, int, int]]:
        """Untagged occurrences of ``surface`` not joined to a longer capitalised name."""
        found = []
        n = len(surface)
        for i, (s, _, t) in enumerate(self.sents):
            k = t.find(surface)
            while k >= 0:
                edge_a = k > 0 and (t[k - 1].isalnum() or t[k - 1] in "_-")
                edge_b = k + n < len(t) and (t[k + n].isalnum() or t[k + n] in "_-")
                a, b = s + k, s + k + n
                if not (edge_a or edge_b or self.taken[a:b].any() or _joined(t, k, k + n)):
                    found.append((a, b, i))
                k = t.find(surface, k + 1)
        return found

    def _add(self, sent_idx: int, a: int, b: int, label: str, name: str, origin: str, title):
        s, _, t = self.sents[sent_idx]
        self.m.append(
            {
                "sent_id": self.sent_ids[sent_idx],
                "start": a,
                "end": b,
                "text": t[a - s : b - s],
                "label": label,
                "name": name,
                "origin": origin,
                "title": title,
                "_s0": a,
            }
        )
        self.taken[a:b] = True

    def majority(self) -> None:
        votes: dict[str, Counter] = defaultdict(Counter)
        spelled: dict[str, str] = {}
        first: dict[str, str] = {}
        for r in sorted(self.m, key=lambda r: r["start"]):
            if r["origin"] == "repeat":
                continue
            votes[r["name"]][r["label"]] += 1
            first.setdefault(r["name"], r["label"])
            if r["text"] == r["name"]:
                spelled.setdefault(r["name"], r["label"])
        chosen = {}
        for name, counter in votes.items():
            top = counter.most_common()
            best = [lab for lab, n in top if n == top[0][1]]
            pref = [spelled.get(name), first.get(name)]
            chosen[name] = next((p for p in pref if p in best), sorted(best)[0])
        countries = _countries()
        for name, label in chosen.items():
            if label in _NOT_A_COUNTRY_LABEL and name in countries:
                chosen[name] = "GPE"  # "Sri Lanka" tagged PERSON in a headline
        for r in self.m:
            r["label"] = chosen.get(r["name"], r["label"])


#: Labels a country's name never has: a known country (``data/demonyms.csv``) with one of
#: these is relabelled GPE, unless the name is also a person's name.
_NOT_A_COUNTRY_LABEL = frozenset({"PERSON", "ORG", "FAC", "LOC"})
_ALSO_PEOPLE = frozenset({"Jordan", "Georgia", "Chad", "Israel", "India", "Jamaica", "Kenya"})


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    from analysis.nlp.nationalities import demonyms

    names = _first_names()
    return frozenset(c for c in demonyms().values() if c not in names and c not in _ALSO_PEOPLE)


def _layer_for_doc(
    ments: list[tuple], sents: list[tuple[int, int, int, str]]
) -> list[dict[str, Any]]:
    """One document: mentions (sent_id, start, end, text, label, name) in start order and
    sentences (sent_id, start, end, text) in start order."""
    rows = [
        {
            "sent_id": sid,
            "start": s,
            "end": e,
            "text": t,
            "label": lab,
            "name": n,
            "origin": "spacy",
            "_s0": s,
        }
        for sid, s, e, t, lab, n in ments
    ]
    sent_list = [(s, e, t) for _, s, e, t in sents]
    doc = _Doc(rows, sent_list, [sid for sid, _, _, _ in sents])
    doc.trim()
    doc.surnames(doc.people())
    doc.repeats()
    doc.majority()
    return doc.m


def document_entities(entities: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The document-level entity layer (see the module docstring for the five rules).

    Args:
        entities: raw mentions, one row each, with doc_id, sent_id, start, end, text,
            label and name (as in ``Annotations.entities``).
        sentences: the documents' sentences with doc_id, sent_id, start, end, text (the
            text is scanned for untagged surnames and repeats).

    Returns:
        A new DataFrame with columns :data:`LAYER_COLUMNS` (``origin``: "spacy" for a
        mention of the raw layer, trimmed and relabelled; "surname" or "repeat" for one
        found in the text), sorted by doc_id then start. The inputs are not changed.

    Example:
        >>> ents = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1], "start": [0, 20],
        ...     "end": [14, 26], "text": ["Charles Kennedy", "Kennedy"],
        ...     "label": ["PERSON", "ORG"], "name": ["Charles Kennedy", "Charles Kennedy"]})
        >>> document_entities(ents, sents)["label"].tolist()  # doctest: +SKIP
        ['PERSON', 'PERSON']
    """
    func = "document_entities"
    require_columns(
        entities,
        ["doc_id", "sent_id", "start", "end", "text", "label", "name"],
        func=func,
        arg="entities",
    )
    require_columns(
        sentences, ["doc_id", "sent_id", "start", "end", "text"], func=func, arg="sentences"
    )
    out: list[dict[str, Any]] = []
    sents_of: dict[Any, list[tuple[int, int, int, str]]] = defaultdict(list)
    order = sentences.sort_values(["doc_id", "start"], kind="stable")
    for d, sid, s, e, t in zip(
        order["doc_id"].tolist(),
        order["sent_id"].astype(int).tolist(),
        order["start"].astype(int).tolist(),
        order["end"].astype(int).tolist(),
        order["text"].astype(str).tolist(),
        strict=True,
    ):
        sents_of[d].append((sid, s, e, t))
    ments_of: dict[Any, list[tuple]] = defaultdict(list)
    order = entities.sort_values(["doc_id", "start"], kind="stable")
    for d, *row in zip(
        order["doc_id"].tolist(),
        order["sent_id"].astype(int).tolist(),
        order["start"].astype(int).tolist(),
        order["end"].astype(int).tolist(),
        order["text"].astype(str).tolist(),
        order["label"].astype(str).tolist(),
        order["name"].astype(str).tolist(),
        strict=True,
    ):
        ments_of[d].append(tuple(row))
    for doc_id, ments in ments_of.items():
        for r in _layer_for_doc(ments, sents_of.get(doc_id, [])):
            r["doc_id"] = doc_id
            out.append(r)
    frame = pd.DataFrame(out, columns=LAYER_COLUMNS)
    frame = frame.sort_values(["doc_id", "start", "end"], kind="stable").reset_index(drop=True)
    for col in ("sent_id", "start", "end"):
        frame[col] = frame[col].astype("int64")
    return frame
