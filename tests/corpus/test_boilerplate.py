"""Boilerplate removal in analysis.corpus._boilerplate."""

from __future__ import annotations

import pytest

from analysis.corpus._boilerplate import clean_boilerplate, is_footer_line, remove_boilerplate


@pytest.mark.parametrize(
    "line",
    [
        "Source link",
        "Disclaimer: the views expressed are the author's own.",
        "Leave a Comment",
        "leave a reply",
        "Share this article",
        "Share this story on Facebook",
        "Follow us on Twitter and Instagram",
        "Read more: Council approves budget",
        "READ MORE",
        "Copyright © 2024 Harbour Gazette. All rights reserved.",
        "© 2024 Harbour Gazette Ltd",
        "(c) 2023 Example Media. All Rights Reserved",
        "Subscribe to our newsletter",
        "Sign up for our free newsletter to get the news first.",
        "Click here to subscribe",
        "Advertisement",
        "Related articles:",
        "   Source Link   ",
    ],
)
def test_footer_lines(line):
    assert is_footer_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The council said it would share the article with residents next week.",
        "Read more about the scheme on the council website, officials said.",
        "Follow us",
        "He refused to click here and there without reading the terms, he said.",
        "All rights reserved, the lawyer insisted, were never waived.",
        "Disclaimers were printed on every ticket, the court heard.",
        "Advertisement spending rose 4% in the quarter.",
        "Source: Office for National Statistics",
        "Copyright law was reformed in 2024.",
        "Share prices rose on Tuesday.",
        "Read more: " + "x" * 300,  # over max_chars
    ],
)
def test_not_footer_lines(line):
    assert not is_footer_line(line)


def test_footer_lines_removed_anywhere_and_counted():
    text = "First para.\n\nAdvertisement\n\nSecond para.\n\nShare this article\n\nSource link"
    out, counts = remove_boilerplate([text], [None])
    assert out == ["First para.\n\nSecond para."]
    assert counts == [3]
    out, counts = remove_boilerplate([text], [None], footers=False)
    assert out == [text] and counts == [0]


def _docs(n, line="Get the Gazette app today."):
    return [f"Story number {i} about topic {i}.\n\n{line}" for i in range(n)]


def test_repeated_lines_thresholds():
    docs = _docs(10)
    out, counts = remove_boilerplate(docs, ["g"] * 10)
    assert counts == [1] * 10
    assert out[3] == "Story number 3 about topic 3."
    # In 3 of 20 docs: 3 >= min_docs but < 20% share -> kept.
    docs = _docs(3) + [f"Other story {i}." for i in range(17)]
    _, counts = remove_boilerplate(docs, ["g"] * 20)
    assert sum(counts) == 0
    _, counts = remove_boilerplate(docs, ["g"] * 20, min_share=0.1)
    assert sum(counts) == 3
    # Only 2 documents: below min_docs.
    _, counts = remove_boilerplate(_docs(2), ["g"] * 2)
    assert counts == [0, 0]


def test_repeated_lines_are_per_source():
    docs = _docs(4) + _docs(4, line="A different footer.")
    groups = ["a"] * 4 + ["b"] * 4
    _, counts = remove_boilerplate(docs, groups, min_docs=5)
    assert counts == [0] * 8
    _, counts = remove_boilerplate(docs, groups, min_docs=3)
    assert counts == [1] * 8


def test_exact_copies_count_once_so_duplicates_survive():
    story = "A long report on the harbour.\n\nCrews welcomed the plan."
    docs = [story] * 5 + [f"Unrelated note {i}." for i in range(5)]
    out, counts = remove_boilerplate(docs, [None] * 10)
    assert counts == [0] * 10 and out[0] == story


def test_long_lines_repeated_across_a_source_are_boilerplate():
    # Issue 8: lines over 200 characters used to be ignored, so a site's long disclaimer
    # paragraph stayed in every article.
    long = "This paragraph is long. " * 12
    docs = [f"Intro {i}.\n\n{long}" for i in range(6)]
    out, counts = remove_boilerplate(docs, [None] * 6)
    assert counts == [1] * 6
    assert out[2] == "Intro 2."


def test_repeated_multi_line_paragraphs_are_boilerplate():
    para = "Our newsroom checks every story\nbefore it is published here\nby two editors."
    docs = [f"Intro {i} about the tram.\n\n{para}\n\nEnd {i}." for i in range(6)]
    out, counts = remove_boilerplate(docs, [None] * 6, min_docs=3)
    assert counts == [3] * 6
    assert out[0] == "Intro 0 about the tram.\n\nEnd 0."


def test_short_repeated_news_line_is_kept():
    # A short real news line quoted by a few stories of a busy source stays, as before.
    line = "The ferry service will resume on Monday."
    docs = [f"Story {i} about the harbour.\n\n{line}" for i in range(3)]
    docs += [f"Other story {i} about the valley." for i in range(57)]
    out, counts = remove_boilerplate(docs, ["gazette"] * 60)
    assert sum(counts) == 0 and line in out[0]


def test_input_not_modified():
    docs = _docs(5)
    before = list(docs)
    remove_boilerplate(docs, [None] * 5)
    assert docs == before


def test_repeated_lines_never_empty_a_document():
    docs = ["Watch the video."] * 1 + [f"Watch the video.\n\nStory {i}." for i in range(5)]
    docs += [f"Unrelated {i}." for i in range(4)]
    out, counts = remove_boilerplate(docs, [None] * 10)
    assert out[0] == "Watch the video." and counts[0] == 0
    assert counts[1:6] == [1] * 5 and out[1] == "Story 0."


# ------------------------------------------------------------------ footer blocks (issue 8)

STORY = (
    "The valley rail line reopened on Friday after four months of repairs.\n\n"
    "Engineers replaced two bridges and a long stretch of track near the quarry.\n\n"
    "Passengers said the first trains were busy but ran on time.\n\n"
    "The operator promised a full timetable by the end of the month."
)


def test_footer_marker_near_the_end_ends_the_article():
    tail = "Disclaimer:\nOur pages are for general reading only and promise nothing.\nComments"
    text = f"{STORY}\n\nSource link\n\n{tail}"
    done = clean_boilerplate([text], [None])
    assert done.texts == [STORY]
    assert done.lines == [4]  # "Source link", "Disclaimer:", two lines of disclaimer
    assert done.chars == [len(text) - len(STORY)]
    assert done.footer == ["Source link"]


def test_footer_block_guards():
    # A marker in the first half of the body does not end it: only the line goes.
    text = f"Short intro.\n\nRelated articles:\n\n{STORY}"
    done = clean_boilerplate([text], [None])
    assert done.footer == [None]
    assert done.texts == [f"Short intro.\n\n{STORY}"] and done.lines == [1]
    # Nothing but footer lines before the marker: never a block (and never empty).
    text = "Advertisement\n\nLeave a comment\n\nA reader wrote in about the bins."
    done = clean_boilerplate([text], [None])
    assert done.footer == [None]
    assert "A reader wrote in about the bins." in done.texts[0]
    # The share is an option.
    text = f"{STORY}\n\nSource link\n\n" + "Footer words here. " * 30
    assert clean_boilerplate([text], [None]).footer == [None]
    assert clean_boilerplate([text], [None], footer_max_share=0.8).footer == ["Source link"]
    # Off switch.
    assert clean_boilerplate([text], [None], footers=False, repeated=False).texts == [text]


def test_long_disclaimer_line_is_an_end_marker():
    disclaimer = "Disclaimer: " + "this site offers general reading only. " * 6
    done = clean_boilerplate([f"{STORY}\n\n{disclaimer}\n\nShare on Twitter"], [None])
    assert done.texts == [STORY] and done.lines == [2]


def test_seed_loads_without_its_footer(seed_dir):
    from analysis.corpus.load import load_corpus, load_report

    raw = next(seed_dir.glob("*.txt")).read_text(encoding="utf-8")
    body, marker, footer = raw.partition("\nSource link\n")
    assert marker, "the seed's footer starts with a 'Source link' line"
    df = load_corpus(seed_dir, quiet=True, progress=False)
    text = df["text"].iloc[0]
    for line in (marker + footer).split("\n"):
        if line.strip():
            assert line.strip() not in text
    last_paragraph = body.strip().split("\n")[-1].strip()
    assert text.endswith(last_paragraph)
    files = load_report(df).files
    assert files["boilerplate_chars"].sum() >= len(footer)
    assert load_report(df).counts["footer_blocks"] == 1


# Our own words, in the seed's footer structure: a "Source link" line, a "Disclaimer:"
# heading with two long paragraphs, then "Leave a Comment".
OUR_FOOTER = (
    "Source link\n\n"
    "Disclaimer:\n"
    "Everything published on this page is offered for general reading only. We give no "
    "promise of any sort, stated or implied, that the page, its pictures or its links are "
    "complete, accurate, dependable or fit for any purpose, and any reliance you place on "
    "them is strictly at your own risk.\n"
    "We value the creative rights of the people whose work appears here. If a piece shown "
    "on our pages belongs to you and you object to how it is used, please write to us. We "
    "take such requests seriously and withdraw any contested piece within 2 days of a valid "
    "request from its rightful holder.\n\n"
    "Leave a Comment"
)
_PLACES = ["Northfield", "the harbour", "Kestrel Bay", "the valley", "Millbrook", "the old town"]
_SUBJECTS = ["council", "ferry operator", "school board", "health trust", "bus company", "museum"]
_SENTENCES = [
    "The {s} in {p} said the plan would be reviewed in the spring.",
    "Residents of {p} packed the hall to question the {s} about costs.",
    "A spokesperson for the {s} declined to give a date for the work.",
    "Figures released on Monday showed bookings in {p} up by a fifth.",
    "Shopkeepers in {p} welcomed the news but warned of disruption.",
    "The {s} has been criticised for delays since the floods last winter.",
    "Campaigners in {p} want the {s} to publish its full survey.",
    "Officials said the cost of the scheme had risen sharply this year.",
    "Two new routes linking {p} to the coast will start in June.",
    "The {s} said it had hired extra staff to clear the backlog.",
]


def seed_format_corpus(root, footer, n=60, seed=8):
    """``n`` articles of varied bodies written from our own sentences, each with ``footer``."""
    import random

    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paragraphs = []
        for _ in range(rng.randint(6, 11)):
            sents = rng.sample(_SENTENCES, rng.randint(2, 4))
            paragraphs.append(
                " ".join(s.format(p=rng.choice(_PLACES), s=rng.choice(_SUBJECTS)) for s in sents)
            )
        title = f"Story {i}: the {rng.choice(_SUBJECTS)} of {rng.choice(_PLACES)} decides"
        body = "\n\n".join(paragraphs)
        (root / f"{i:03d}_article.txt").write_text(f"{title}\n\n{body}\n\n{footer}\n")
    return root


def _words(text):
    import re

    return set(re.findall(r"[a-z]+", text.lower()))


@pytest.mark.parametrize("footer_from", ["ours", "seed"])
def test_seed_format_corpus_has_no_footer_terms(tmp_path, footer_from):
    from analysis.analyses.terms import collocations, term_frequencies
    from analysis.corpus.load import load_corpus, load_report
    from tests.conftest import SEED_DIR

    if footer_from == "seed":
        seeds = sorted(SEED_DIR.glob("*.txt"))
        if not seeds:
            pytest.skip(f"real corpus not found at {SEED_DIR}")
        raw = seeds[0].read_text(encoding="utf-8")
        footer = "Source link\n" + raw.partition("\nSource link\n")[2].strip()
    else:
        footer = OUR_FOOTER
    root = seed_format_corpus(tmp_path / "site", footer)
    footer_only = _words(footer) - _words(" ".join(_SENTENCES + _PLACES + _SUBJECTS))
    footer_only -= {"story", "the", "of", "decides"}
    assert len(footer_only) > 20

    def footer_terms(df):
        terms = set(term_frequencies(df, progress=False)["term"])
        pairs = collocations(df, min_count=3, top=None, progress=False)
        in_pairs = set(pairs["word1"]) | set(pairs["word2"])
        return (terms | in_pairs) & footer_only

    raw_df = load_corpus(root, boilerplate=False, quiet=True, progress=False)
    assert footer_terms(raw_df), "without boilerplate removal the footer shows up"
    df = load_corpus(root, quiet=True, progress=False)
    assert len(df) == 60
    assert footer_terms(df) == set()
    sentences = [s.strip() for s in footer.replace("\n", " ").split(". ") if len(s) > 20]
    assert not any(s in t for s in sentences for t in df["text"])
    assert load_report(df).counts["footer_blocks"] == 60
