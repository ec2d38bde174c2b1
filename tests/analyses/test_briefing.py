"""Tests for analysis.analyses.briefing, analysis.analyses.volume and the briefing page.

The synthetic corpus is invented text (random words from a made-up vocabulary) with a
planted burst ("zorblax" in many articles of the last days) and a steady term
("quillfeather" in two articles every day) that must not be reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.analyses.briefing import build_briefing, evidence_sentences, split_new
from analysis.analyses.volume import _url_section, group_column, volume_changes
from analysis.errors import AnalysisInputError
from analysis.reports._briefing_html import briefing_page, briefing_section

WORDS = [
    "amber",
    "basil",
    "cobalt",
    "dune",
    "ember",
    "fjord",
    "garnet",
    "heron",
    "indigo",
    "jasper",
    "kelp",
    "lumen",
    "marrow",
    "nectar",
    "onyx",
    "pollen",
    "quartz",
    "russet",
    "saffron",
    "tundra",
    "umber",
    "velvet",
    "willow",
    "xenon",
    "yarrow",
    "zephyr",
    "brook",
    "cinder",
    "drift",
    "elm",
    "fern",
    "grove",
    "hollow",
    "isle",
    "juniper",
    "knoll",
    "larch",
    "meadow",
    "nettle",
    "orchard",
    "pine",
]
START = pd.Timestamp("2026-04-01", tz="UTC")


def _synthetic(days=28, per_day=8, burst_days=3, burst_docs=5, seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(days):
        for k in range(per_day):
            words = list(rng.choice(WORDS, size=14))
            if k < 2:
                words[3] = "quillfeather"  # steady: two articles every day
            if day >= days - burst_days and k < burst_docs:
                words[7] = "zorblax"  # planted burst
            sentence = " ".join(words).capitalize() + "."
            rows.append(
                {
                    "doc_id": f"d{day:02d}-{k}",
                    "title": f"Item {day}-{k}",
                    "text": f"{sentence} Second {' '.join(rng.choice(WORDS, size=8))}.",
                    "source": "Alpha" if k % 2 else "Beta",
                    "published": START + pd.Timedelta(days=day, hours=k),
                    "url": f"https://example.org/news/{'world' if k % 3 else 'uk'}-{day}{k}",
                }
            )
    return pd.DataFrame(rows)


def test_split_new_modes():
    corpus = _synthetic(days=10)
    is_new, mode = split_new(corpus, previous_ids=corpus["doc_id"][:40])
    assert mode == "since_last_run" and is_new.sum() == len(corpus) - 40
    assert not is_new[:40].any()
    is_new, mode = split_new(corpus, days=3)
    assert mode == "first_run"
    assert sorted(corpus.loc[is_new, "published"].dt.day.unique()) == [8, 9, 10]
    undated = corpus.assign(published=pd.NaT)
    is_new, mode = split_new(undated)
    assert mode == "first_run_undated" and is_new.all()
    with pytest.raises(AnalysisInputError, match="doc_id"):
        split_new(corpus.drop(columns="doc_id"))


def test_volume_against_usual_daily_range_by_hand():
    corpus = _synthetic(days=14, per_day=4)
    extra = corpus[corpus["published"] >= START + pd.Timedelta(days=10)].copy()
    extra = extra[extra["source"] == "Alpha"].assign(doc_id=lambda d: d["doc_id"] + "x")
    corpus = pd.concat([corpus, extra], ignore_index=True)
    is_new = (corpus["published"] >= START + pd.Timedelta(days=10)).to_numpy()
    out = volume_changes(corpus, is_new=is_new, days_back=7).set_index("group")
    # new period: 4 days. Alpha: 2 + 2 extra a day = 16 new, 4 a day; usual 2 a day.
    assert out.loc["Alpha", "new"] == 16 and out.loc["Alpha", "per_day"] == 4.0
    assert (out.loc["Alpha", "usual_low"], out.loc["Alpha", "usual_high"]) == (2.0, 2.0)
    assert out.loc["Alpha", "flag"] == "above"
    assert out.loc["Beta", "flag"] == "usual" and out.loc["Beta", "new"] == 8
    assert out.loc["all", "new"] == 24 and out.loc["all", "usual_median"] == 4.0
    assert out.index.tolist() == ["all", "Alpha", "Beta"]  # most new articles first
    few = volume_changes(corpus, is_new=is_new, days_back=7, top=1, min_new=10)
    assert few["group"].tolist() == ["all", "Alpha", "(1 other group)"]
    assert few["flag"].tolist() == ["above", "above", ""]  # 8 new Beta: too few to say


def test_volume_ignores_days_before_the_corpus_began():
    corpus = _synthetic(days=10, per_day=4)
    is_new = (corpus["published"] >= START + pd.Timedelta(days=7)).to_numpy()
    out = volume_changes(corpus, is_new=is_new, days_back=28).set_index("group")
    assert out.loc["all", "usual_low"] == 4.0  # 7 baseline days of 4, no invented zeros


def test_url_section_and_grouping():
    assert _url_section("https://www.bbc.co.uk/news/world-europe-60638042?x=1") == "world-europe"
    assert _url_section("https://www.bbc.co.uk/sport/football/60644445") == "football"
    assert _url_section("not a url") is None
    corpus = _synthetic(days=2)
    assert group_column(corpus)[1] == "source"
    one = corpus.assign(source="Same")
    assert group_column(one)[1] == "URL section"
    assert group_column(one.drop(columns="url"))[1] == "corpus"


def test_evidence_sentences_whole_words_and_articles():
    corpus = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "title": ["Port strike", "Strikers win"],
            "text": ["The strike began at dawn. Talks failed.", "The strikers won 2-0."],
            "url": ["https://example.org/a", None],
            "published": [START, START],
        }
    )
    ev = evidence_sentences(corpus, ["strike", "talks failed", "absent"])
    assert [e["text"] for e in ev[0]] == ["Port strike"]  # title first; not "strikers"
    assert ev[1][0]["text"] == "Talks failed." and ev[1][0]["url"] == "https://example.org/a"
    assert ev[2] == []


def test_planted_burst_is_found_and_steady_term_is_not():
    corpus = _synthetic()
    briefing = build_briefing(corpus, entities=False, days=7)
    assert briefing.mode == "first_run" and briefing.n_new == 56
    rising = briefing.rising["term"].tolist()
    bursts = briefing.bursts["term"].tolist()
    assert rising[0] == "zorblax" and bursts[0] == "zorblax"
    assert "quillfeather" not in rising and "quillfeather" not in bursts
    burst = briefing.bursts.iloc[0]
    assert burst.start == pd.Timestamp("2026-04-26") and burst.end == pd.Timestamp("2026-04-28")
    assert burst.docs == 15
    assert all("zorblax" in ex["text"].lower() for ex in burst.examples)
    assert "zorblax" in briefing.headline
    # the same corpus against a previous run that saw everything but the last day
    last_day = corpus["published"] >= START + pd.Timedelta(days=27)
    again = build_briefing(corpus, previous_ids=corpus.loc[~last_day, "doc_id"], entities=False)
    assert again.mode == "since_last_run" and again.n_new == 8
    assert set(again.new_articles["doc_id"]) == set(corpus.loc[last_day, "doc_id"])


def test_nothing_new_and_undated_say_so():
    corpus = _synthetic(days=3)
    none_new = build_briefing(corpus, previous_ids=corpus["doc_id"], entities=False)
    assert none_new.n_new == 0 and "no new articles" in none_new.notes[0]
    undated = build_briefing(corpus.assign(published=pd.NaT), entities=False)
    assert undated.mode == "first_run_undated" and "undated" in undated.notes[0]


def test_briefing_page_escapes_article_text_and_links_sections():
    corpus = _synthetic()
    evil = "<script>alert(1)</script>"
    corpus.loc[corpus.index[-1], "title"] = evil
    corpus.loc[corpus.index[-1], "url"] = "javascript:alert(1)"
    corpus.loc[corpus.index[-2], "text"] = f"Zorblax {evil} zorblax."
    briefing = build_briefing(corpus, entities=False)
    page = briefing_page(briefing, run_name="x<y", run_date="2026-04-28")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page
    for anchor in ("#volume", "#terms", "#bursts", "#entities", "#sentiment", "#new-articles"):
        assert f'href="{anchor}"' in page
    assert 'href="term_frequency.html#Rising-and-falling-words"' in page
    assert 'href="https://example.org/news/' in page  # articles are linked
    section = briefing_section(briefing, briefing_href="briefing.html")
    assert 'id="what-changed"' in section and "<script>" not in section
    assert 'href="briefing.html"' in section and "zorblax" in section
    assert 'href="briefing.html#bursts"' in section  # each finding: its part of the briefing
    assert 'href="term_frequency.html#Trends"' in section  # ... and its report section


# ----------------------------------------------------------------------------- replay


def _write_rss(path, rows, header):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.mark.slow
def test_replay_schedule_twice_on_a_growing_rss_corpus(rss_csv, tmp_path):
    """Week 1 then week 2 (real RSS rows copied to tmp, plus a planted burst and steady
    noise); the second run keeps the first, names only the added articles as new, lists
    the planted term and entity and not the steady ones."""
    import csv
    import json
    import re
    from email.utils import parsedate_to_datetime

    from analysis.corpus.load import load_corpus
    from analysis.reports.schedule import run_schedule

    with open(rss_csv, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if "2022-03-01" <= parsedate_to_datetime(r[1]).date().isoformat() <= "2022-03-27"]  # fmt: skip
    rows.sort(key=lambda r: parsedate_to_datetime(r[1]))
    for i, row in enumerate(rows):
        day = parsedate_to_datetime(row[1]).date().isoformat()
        if i % 8 == 0:  # steady noise, every week alike
            row[4] += " Teodor Vaskin reviewed the quillfeather figures."
        if "2022-03-24" <= day <= "2022-03-26" and i % 4 == 0:  # the planted burst
            row[4] += " The zorblax inquiry is led by Marisol Quenby, officials said."
    planted = sum("zorblax" in r[4] for r in rows)
    assert planted >= 10
    week1 = [r for r in rows if parsedate_to_datetime(r[1]).date().isoformat() <= "2022-03-20"]
    corpus = tmp_path / "feed.csv"
    schedule = tmp_path / "replay.yml"
    schedule.write_text(
        "output_root: out\ndefaults: {corpus: feed.csv}\nreports: [term_frequency]\n"
    )
    _write_rss(corpus, week1, header)
    first = run_schedule(schedule, run_date="2022-03-20", progress=False, quiet=True)
    ids1 = set(load_corpus(corpus, quiet=True, progress=False, drop_duplicates=True)["doc_id"])
    _write_rss(corpus, rows, header)  # a week of new articles arrives
    second = run_schedule(schedule, run_date="2022-03-27", progress=False, quiet=True)
    ids2 = set(load_corpus(corpus, quiet=True, progress=False, drop_duplicates=True)["doc_id"])
    assert [r.status for r in first] == [r.status for r in second] == ["ok"]

    out = tmp_path / "out" / "replay"
    for day in ("2022-03-20", "2022-03-27"):  # both runs kept
        for name in ("term_frequency.html", "briefing.html", "run.json"):
            assert (out / day / name).is_file(), (day, name)
    run2 = json.loads((out / "2022-03-27" / "run.json").read_text())
    expected_new = ids2 - ids1
    assert run2["previous_run"] == "2022-03-20" and run2["n_new"] == len(expected_new)
    page = (out / "2022-03-27" / "briefing.html").read_text()
    listed = set(re.findall(r'<li id="doc-([^"]+)">', page))
    assert listed == expected_new  # only the new articles are named as new

    findings = page[: page.index('<section id="new-articles">')]
    bursts = findings[findings.index('id="bursts"') : findings.index('id="entities"')]
    entities = findings[findings.index('id="entities"') : findings.index('id="pairs"')]
    assert '<span class="what">zorblax</span>' in bursts
    assert '<span class="what">Marisol Quenby</span>' in entities
    for noise in ("quillfeather", "Teodor Vaskin", "Vaskin"):
        assert f'<span class="what">{noise}' not in findings
    report = (out / "2022-03-27" / "term_frequency.html").read_text()
    assert report.index('id="what-changed"') < report.index("Most frequent words")
    assert 'id="Rising-and-falling-words"' in report  # the briefing's link target exists
    index = (tmp_path / "out" / "index.html").read_text()
    assert index.index("replay/2022-03-27/briefing.html") < index.index(
        "replay/2022-03-20/briefing.html"
    )


@pytest.mark.slow
def test_briefing_page_in_chromium_shows_hostile_text_as_text(tmp_path):
    import shutil
    import subprocess

    chromium = next(
        (p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))),
        None,
    )
    if chromium is None:
        pytest.skip("Chromium not found (apt-get install -y chromium)")
    corpus = _synthetic()
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    last = corpus.index[-1]
    corpus.loc[last, "title"] = evil
    corpus.loc[last, "text"] = f"Zorblax {evil} again."
    page = tmp_path / "briefing.html"
    page.write_text(briefing_page(build_briefing(corpus, entities=False), run_name="x",
                                  run_date="2026-04-28"))  # fmt: skip
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert "<script" not in dom and "<img" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # shown as text


def test_headline_names_each_story_once():
    from analysis.analyses.briefing import Briefing

    empty = pd.DataFrame()
    b = Briefing(
        mode="since_last_run", n_docs=10, n_new=4, previous_date="2026-04-01",
        new_period=("2026-04-02", "2026-04-08"), group_by="source", new_articles=empty,
        volume=empty, rising=pd.DataFrame({"term": ["nazanin", "iran", "zaghari"]}),
        bursts=pd.DataFrame({"term": ["nazanin zaghari", "ratcliffe"]}),
        entities=pd.DataFrame({"name": ["Nerys Quell"]}),
    )  # fmt: skip
    assert b.headline == (
        "4 new articles since the run of 2026-04-01; rising: nazanin zaghari, ratcliffe, "
        "iran; new or rising: Nerys Quell"
    )


@pytest.mark.parametrize(
    ("mode", "n_docs", "n_new", "start"),
    [
        ("first_run_undated", 1, 1, "first run: 1 article, nothing to compare with yet"),
        ("first_run_undated", 2, 2, "first run: 2 articles, nothing to compare with yet"),
        ("first_run", 9, 1, "first run: the last days (1 article) against the days before"),
        ("since_last_run", 9, 1, "1 new article since the run of 2026-04-01"),
        ("since_last_run", 9, 1200, "1,200 new articles since the run of 2026-04-01"),
    ],
)
def test_headline_counts_articles_in_the_singular_and_plural(mode, n_docs, n_new, start):
    from analysis.analyses.briefing import Briefing

    empty = pd.DataFrame()
    b = Briefing(
        mode=mode, n_docs=n_docs, n_new=n_new, previous_date="2026-04-01",
        new_period=(None, None), group_by="source", new_articles=empty, volume=empty,
        rising=empty, bursts=empty,
    )  # fmt: skip
    assert b.headline == start  # the seed (one undated article) said "1 articles"


def test_undated_corpus_since_last_run_compares_terms_without_bursts():
    corpus = _synthetic().assign(published=pd.NaT)
    last = corpus.index >= len(corpus) - 24  # the planted burst is in the last 24 rows
    b = build_briefing(corpus, previous_ids=corpus.loc[~last, "doc_id"], entities=False)
    assert b.mode == "since_last_run" and b.n_new == 24
    assert b.rising["term"].iloc[0] == "zorblax" and b.bursts.empty
    assert any("undated" in note for note in b.notes)
    assert not any("Few earlier" in note for note in b.notes)
    small = build_briefing(corpus, previous_ids=corpus["doc_id"][:10], entities=False)
    assert any(
        n.startswith("Few earlier articles to compare with (10 against") for n in small.notes
    )
    assert b.volume["per_day"].isna().all() and b.volume.loc[0, "new"] == 24
