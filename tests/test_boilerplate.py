"""Boilerplate removal in analysis._boilerplate."""

from __future__ import annotations

import pytest

from analysis._boilerplate import is_footer_line, remove_boilerplate


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


def test_long_lines_never_repeated_boilerplate():
    long = "This paragraph is long. " * 12
    docs = [f"Intro {i}.\n\n{long}" for i in range(6)]
    _, counts = remove_boilerplate(docs, [None] * 6)
    assert counts == [0] * 6
    _, counts = remove_boilerplate(docs, [None] * 6, max_chars=1000)
    assert counts == [1] * 6


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
