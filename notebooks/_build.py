"""Write the report notebooks from the cell sources below (no outputs, no execution counts).

Run ``.venv/bin/python notebooks/_build.py`` after editing this file; commit the notebooks.
``explore.ipynb`` is not built here: it is its own source (edit it in JupyterLab, clear its
outputs, commit it).
Notebooks only orchestrate and display: computations live in ``analysis/``.

Parameters are annotated ``Optional[str]`` rather than ``str | None`` because papermill's
parameter reader (``papermill.inspect_notebook``) does not understand ``|`` annotations.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}

NOQA = "# ruff: noqa: UP045  (papermill reads Optional[...] annotations, not `X | None`)\n"

COMMON_PARAMETERS = """\
# Report parameters (papermill: -p name value). Dates are UTC days, both ends included.
# window: a period such as "24h", "7d", "4w", "1m" (a month) or "1q" (a quarter) that ends
# at `end` (or at the newest article when end is None); it cannot be combined with `start`.
# "(valid: ...)" says which values are valid; they are checked before the report runs.
corpus: str = "../data/sample"  # corpus folder or file (relative to the notebooks folder)
start: Optional[str] = None  # first day included, YYYY-MM-DD (valid: date)
end: Optional[str] = None  # last day included, YYYY-MM-DD (valid: date)
window: Optional[str] = None  # e.g. "7d", "4w", "1m", "1q", counted back from end (valid: window)
sources: Optional[list] = None  # keep only these sources, e.g. ["Harbour Gazette"]
categories: Optional[list] = None  # keep only these categories, e.g. ["business"]
columns: Optional[dict] = None  # table columns for fields, e.g. {"category": "section"}
url_section: Optional[str] = None  # fill this column from URL paths, e.g. "section"
"""

LOAD = """\
# through the corpus snapshot: the reports of a run load the corpus once
raw = load_report_corpus(
    resolve_notebook_path(corpus), cache_dir=cache_dir, columns=columns, url_section=url_section
)
{checks}docs = filter_corpus(
    raw,
    start=start,
    end=end,
    window=window,
    sources=sources,
    categories=categories,
    query={query},
    drop_duplicates=True,
)
check_selection(docs)  # nothing to analyse: says why at the top; the report ends "empty"
"""

FOOTER = """
show(report_footer(started))
show_run_status()
"""


def _md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def _code(text: str, *, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = tags
    return cell


def _notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    for i, cell in enumerate(nb.cells):  # stable ids: no churn in diffs when rebuilt
        cell["id"] = f"cell-{i:02d}"
    return nb


def _params_dict(names: list[str]) -> str:
    inner = ", ".join(f"{n}={n}" for n in names)
    return f"dict({inner})"


# --------------------------------------------------------------------------- term frequency

TERM_PARAMS = [
    "corpus",
    "start",
    "end",
    "window",
    "sources",
    "categories",
    "columns",
    "url_section",
    "query",
    "kwic",
    "top",
    "ngram_max",
    "min_count",
    "trend_terms",
    "stopwords",
]


def term_frequency() -> nbformat.NotebookNode:
    return _notebook(
        [
            _md("""
# Term frequency

Which words and phrases the selected articles use most, which words set each source apart,
which words rose or fell against the previous period of the same length, which words go
together (collocations), how the top words were used over time, and every use of the
`query` word or phrase in context. Stop words are left out (`stopwords`: by default
spaCy's English list plus reporting words such as "said", "Mr" and "per cent"); counts are
over titles and bodies, duplicates excluded.
"""),
            _code(
                NOQA
                + """\
import warnings
from typing import Optional

import pandas as pd

warnings.filterwarnings("ignore", message="IProgress not found")  # tqdm without ipywidgets

from analysis.analyses.filters import filter_corpus
from analysis.analyses.keyness import distinctive_terms
from analysis.analyses.kwic import kwic as keyword_in_context
from analysis.analyses.metadata import load_report_corpus
from analysis.analyses.periods import comparison_periods, period_freq
from analysis.analyses.terms import collocations, term_frequencies
from analysis.analyses.timespan import chart_span
from analysis.analyses.trends import term_trends
from analysis.corpus.load import load_report
from analysis.reports import plots
from analysis.reports.display import (
    report_footer,
    report_header,
    report_section,
    require_documents,
    show,
    show_figure,
    show_kwic,
    show_message,
    show_table,
)
from analysis.reports.notebook import grouping_column, resolve_notebook_path
from analysis.reports.status import check_selection, show_run_status

started = pd.Timestamp.now(tz="UTC")
"""
            ),
            _code(
                COMMON_PARAMETERS
                + """\
query: Optional[str] = None  # keep only articles containing this word or phrase
kwic: Optional[str] = None  # word or phrase shown in context (does not filter); None: query
top: int = 20  # rows per table and bars per chart (valid: min 1)
cache_dir: Optional[str] = None  # cache folder (corpus snapshots go beside it); None: default
ngram_max: int = 2  # longest phrase counted, in words (valid: 1..6)
min_count: int = 2  # ignore words and phrases used fewer times than this (valid: min 1)
trend_terms: Optional[list] = None  # words charted over time; None: the 5 most frequent
stopwords: str = "news"  # "news": English + said, mr... (valid: one of news, english, spacy)
""",
                tags=["parameters"],
            ),
            _code(
                LOAD.format(query="query", checks="")
                + f"""\
show(
    report_header(
        title="Term frequency: about this run",
        parameters={_params_dict(TERM_PARAMS)},
        corpus=docs,
        load_report=load_report(raw),
        started=started,
    )
)
"""
            ),
            _md("""
## Most frequent words
"""),
            _code("""
words = pd.DataFrame({"term": []})
with report_section(docs):
    words = term_frequencies(docs, min_count=min_count, top=top, stopwords=stopwords, progress=False)
    if words.empty:
        show_message(f"No word occurs at least {min_count} times (min_count).")
    else:
        fig, alt = plots.bar_chart(
            words,
            label="term",
            value="count",
            title=f"The {len(words)} most frequent words",
            xlabel="Occurrences",
        )
        show_figure(fig, alt=alt)
        show_table(
            words,
            max_rows=top,
            caption="Most frequent words (doc_count: articles using it; share: of all words)",
        )
"""),
            _md("""
## Most frequent phrases (n-grams)

Phrases of two to `ngram_max` words, formed after stop words are removed
("Bank of England" counts as "bank england").
"""),
            _code("""
with report_section(docs):
    require_documents(docs)
    if ngram_max < 2:
        show_message("Set ngram_max to 2 or more to count phrases.")
    else:
        phrases = term_frequencies(
            docs, ngram_range=(2, ngram_max), min_count=min_count, top=top, stopwords=stopwords, progress=False
        )
        show_table(
            phrases,
            max_rows=top,
            caption="Most frequent two-word phrases"
            if ngram_max == 2
            else f"Most frequent phrases of 2 to {ngram_max} words",
            empty=f"No phrase occurs at least {min_count} times (min_count).",
        )
"""),
            _md("""
## Distinctive words per source

Words each source (or, for a corpus of one source, each category) uses relatively more than
the others together (keyness: Dunning's
log-likelihood G² with its p-value; log ratio 1 = twice as frequent).
"""),
            _code("""
with report_section(docs):
    require_documents(docs)
    by = grouping_column(docs)
    if by is None:
        show_message("Distinctive words need at least two sources (or categories).")
    else:
        show_message(f"Each {by} compared with all the others together.")
    for group in sorted(docs[by].dropna().unique()) if by else []:
        with report_section():
            key = distinctive_terms(
                docs,
                by=by,
                target=group,
                direction="over",
                min_count=min_count,
                top=min(top, 10),
                stopwords=stopwords,
                progress=False,
            )
            show_table(
                key,
                columns=["term", "target_count", "reference_count", "log_ratio", "g2", "p_value"],
                caption=f"{group}: distinctive words",
                empty=f"{group}: no word stands out (min_count={min_count}).",
            )
"""),
            _md("""
## Rising and falling words

The selected period against the period of the same length just before it (when no period
is selected: the last 7 days against the 7 days before). Same sources and categories.
"""),
            _code("""
with report_section(docs):
    require_documents(docs)
    base = filter_corpus(raw, sources=sources, categories=categories, drop_duplicates=True)
    current, previous = comparison_periods(base, start=start, end=end, window=window)
    show_message(f"Comparing {current.label()} with {previous.label()}.")
    change = distinctive_terms(
        base,
        target=current.bounds(),
        reference=previous.bounds(),
        min_count=min_count,
        stopwords=stopwords,
        progress=False,
    )
    cols = ["term", "target_count", "reference_count", "target_per_10k", "reference_per_10k", "log_ratio", "g2", "p_value"]
    for direction, label in (("over", "Rising"), ("under", "Falling")):
        show_table(
            change[change["direction"] == direction],
            columns=cols,
            max_rows=min(top, 15),
            caption=f"{label} words ({current.label()} vs {previous.label()}; per_10k = per 10,000 words)",
            empty=f"No {label.lower()} words.",
        )
"""),
            _md("""
## Collocations

Word pairs that occur next to each other more often than chance (Dunning's likelihood ratio).
"""),
            _code("""
with report_section(docs):
    pairs = collocations(docs, min_count=max(min_count, 2), top=top, stopwords=stopwords, progress=False)
    show_table(
        pairs,
        max_rows=top,
        caption="Collocations (score: likelihood ratio)",
        empty=f"No word pair occurs at least {max(min_count, 2)} times.",
    )
"""),
            _md("""
## Trends

Uses per 10,000 words in each period, so busy and quiet periods compare fairly.
"""),
            _code("""
with report_section(docs):
    require_documents(docs)
    terms = trend_terms or (words["term"].head(5).tolist() if len(words) else [])
    if not terms:
        show_message("No terms to chart: set trend_terms or lower min_count.")
    else:
        timed, span = chart_span(docs)  # stray dates at the ends are left out, and said so
        if span.message():
            show_message(span.message())
        freq = period_freq(timed)
        trends = term_trends(timed, terms, freq=freq, stopwords=stopwords, progress=False)
        fig, alt = plots.line_chart(
            trends,
            x="period",
            y="per_10k",
            group="term",
            title=f"Use of {', '.join(map(str, terms))} per {freq}",
            xlabel=f"{freq.capitalize()} starting",
            ylabel="Uses per 10,000 words",
        )
        show_figure(fig, alt=alt)
"""),
            _md("""
## Keyword in context

Every use of the `kwic` parameter's word or phrase (or else `query`'s), with the words
around it. `kwic` does not filter the articles; `query` does, in every report.
"""),
            _code("""
with report_section(docs):
    require_documents(docs)
    in_context = kwic or query
    if not in_context:
        show_message('Set the kwic parameter (e.g. -p kwic "interest rates") to see a word in context.')
    else:
        hits = keyword_in_context(docs, in_context, window=10)
        if hits.empty:
            show_message(f"No use of {in_context!r} in the selected documents.")
        else:
            show_kwic(
                hits,
                extra=["title", "source", "published"],
                max_rows=max(top, 30),
                caption=f"{in_context!r}: {len(hits)} uses in {hits.attrs.get('n_docs_with_hits', '?')} articles",
            )
"""),
            _code(FOOTER),
        ]
    )


# --------------------------------------------------------------------------- entities

ENTITY_PARAMS = [
    "corpus",
    "start",
    "end",
    "window",
    "sources",
    "categories",
    "columns",
    "url_section",
    "query",
    "top",
    "entity_types",
    "cooccurrence_window",
    "nationalities",
    "min_pair_count",
    "graph_format",
]

ANNOTATE = """\
ann = annotate(docs, cache_dir=cache_dir, progress=False) if len(docs) else None
"""


def entity_cooccurrence() -> nbformat.NotebookNode:
    return _notebook(
        [
            _md("""
# Entity co-occurrence

Which people, organisations and places the selected articles mention most, which of them are
mentioned together (in the same sentence, or the same article), the network they form with
its communities, and how often the top entities were mentioned over time. Names are
normalised ("Ms Ruiz" and "Ana Ruiz" in one article are one entity), and spaCy's mentions
are corrected per article: one label per name, and the surname of a person named in full is
that person wherever it occurs, even where spaCy missed it (a title of the other sex keeps
two people apart: "Mrs Howard" is not "Michael Howard"). The network is also written as a file for Gephi or other graph tools.
"""),
            _code(
                NOQA
                + """\
import warnings
from pathlib import Path
from typing import Optional

import pandas as pd

warnings.filterwarnings("ignore", message="IProgress not found")  # tqdm without ipywidgets

from analysis.analyses.cooccurrence import entity_cooccurrence
from analysis.analyses.entities import entity_trends, top_entities
from analysis.analyses.filters import filter_corpus
from analysis.analyses.metadata import load_report_corpus
from analysis.analyses.network import cooccurrence_graph, export_graph
from analysis.analyses.periods import period_freq
from analysis.analyses.timespan import chart_span
from analysis.corpus.load import load_report
from analysis.nlp.annotator import annotate
from analysis.reports import plots
from analysis.reports.display import (
    file_link_html,
    report_footer,
    report_header,
    report_section,
    show,
    show_figure,
    show_message,
    show_table,
)
from analysis.reports.notebook import resolve_notebook_path
from analysis.reports.status import check_selection, show_run_status

started = pd.Timestamp.now(tz="UTC")
"""
            ),
            _code(
                COMMON_PARAMETERS
                + """\
# output_dir: where the network file is written; the report runner sets it to the
# report's folder. None writes it to the current folder.
query: Optional[str] = None  # keep only articles containing this word or phrase
top: int = 20  # rows per table and entities per chart (valid: min 1)
cache_dir: Optional[str] = None  # annotation cache folder; None: the default cache
entity_types: list = ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"]  # spaCy labels (valid: non-empty; each one of PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE)
cooccurrence_window: str = "sentence"  # pairs in one (valid: one of sentence, document)
nationalities: str = "separate"  # demonyms (valid: one of separate, country, drop)
min_pair_count: int = 2  # keep pairs seen together at least this often (valid: min 1)
graph_format: str = "gexf"  # network file, gexf for Gephi (valid: one of gexf, graphml)
output_dir: Optional[str] = None  # folder for the network file (set by the report runner)
""",
                tags=["parameters"],
            ),
            _code(
                LOAD.format(query="query", checks="")
                + ANNOTATE
                + f"""\
show(
    report_header(
        title="Entity co-occurrence: about this run",
        parameters={_params_dict(ENTITY_PARAMS)},
        corpus=docs,
        load_report=load_report(raw),
        annotations=ann,
        started=started,
    )
)
"""
            ),
            _md("""
## Most mentioned entities
"""),
            _code("""
entities = pd.DataFrame({"name": []})
with report_section(docs):
    entities = top_entities(docs, annotations=ann, types=entity_types, top=top, progress=False)
    if entities.empty:
        show_message(f"No entities of types {', '.join(entity_types)} found.")
    else:
        fig, alt = plots.bar_chart(
            entities,
            label="name",
            value="mentions",
            title=f"The {len(entities)} most mentioned entities",
            xlabel="Mentions",
        )
        show_figure(fig, alt=alt)
        show_table(
            entities,
            max_rows=top,
            caption="Most mentioned entities (doc_count: articles; surface_forms: as written)",
        )
"""),
            _md("""
## Entities mentioned together

Pairs of entities in the same sentence (or article, with `cooccurrence_window="document"`),
with example sentences as evidence. npmi is 1 when two entities always appear together,
0 when they appear together as often as chance predicts. Demonyms ("Russian", "Americans")
are entities of their own, counted as their country, or left out (`nationalities`); a
country and its own demonym ("American" and "United States") are never listed as a pair.
"""),
            _code("""
pairs = None
with report_section(docs):
    pairs = entity_cooccurrence(
        docs,
        window=cooccurrence_window,
        types=entity_types,
        min_count=min_pair_count,
        nationalities=nationalities,
        examples=2,
        annotations=ann,
        progress=False,
    )
    show_table(
        pairs,
        columns=["entity_a", "entity_b", "count", "doc_count", "npmi", "examples"],
        max_rows=top,
        max_colwidth=260,
        caption=f"Top pairs (count: {cooccurrence_window}s mentioning both; examples: evidence)",
        empty=f"No pair of entities occurs together at least {min_pair_count} times (min_pair_count).",
    )
"""),
            _md("""
## Network and communities

Entities are nodes, linked when they occur together at least `min_pair_count` times; link
width follows how often. Colours are communities (Louvain): groups of entities mentioned
together more than with the rest. The full network is written to a file beside the report.
"""),
            _code("""
with report_section(docs):
    if pairs is not None and pairs.empty:
        show_message("No network: no entity pair reaches min_pair_count.")
    elif pairs is not None:
        nodes = top_entities(docs, annotations=ann, types=entity_types, top=None, progress=False)
        graph = cooccurrence_graph(pairs, min_count=min_pair_count, nodes=nodes)
        fig, alt = plots.network_chart(
            graph, title=f"Entity network ({graph.graph.get('n_communities', 0)} communities)", size_attr="mentions"
        )
        show_figure(fig, alt=alt)
        suffix = {"gexf": "gexf", "graphml": "graphml"}.get(str(graph_format).lower())
        if suffix is None:
            show_message(f"graph_format={graph_format!r} is not valid; expected 'gexf' or 'graphml'", kind="warning")
        else:
            folder = Path(output_dir) if output_dir else Path.cwd()
            path = export_graph(graph, folder / f"entity_cooccurrence_network.{suffix}")
            show(file_link_html(path, text=f"Network file ({suffix.upper()}, {graph.number_of_nodes()} nodes, {graph.number_of_edges()} links)"))
"""),
            _md("""
## Co-occurrence of the top entities

How often each pair of the most mentioned entities occurs together (empty cells: never, or
fewer than `min_pair_count` times). Entities without any such pair are left out.
"""),
            _code("""
with report_section(docs):
    if pairs is not None and pairs.empty:
        show_message("No heatmap: no entity pair reaches min_pair_count.")
    elif pairs is not None:
        matrix = plots.cooccurrence_matrix(
            pairs, entities["name"].tolist(), drop_unpaired=True, top=min(top, 20)
        )
        fig, alt = plots.cooccurrence_heatmap(
            matrix, title=f"Co-occurrences among the {len(matrix)} most mentioned paired entities"
        )
        show_figure(fig, alt=alt)
"""),
            _md("""
## Mentions over time
"""),
            _code("""
with report_section(docs):
    timed, span = chart_span(docs)  # stray dates at the ends are left out, and said so
    if span.message():
        show_message(span.message())
    freq = period_freq(timed)
    trends = entity_trends(timed, freq=freq, top=min(top, 8), types=entity_types, annotations=ann, progress=False)
    fig, alt = plots.line_chart(
        trends,
        x="period",
        y="mentions",
        group="name",
        title=f"Mentions of the top entities per {freq}",
        xlabel=f"{freq.capitalize()} starting",
        ylabel="Mentions",
    )
    show_figure(fig, alt=alt)
"""),
            _code(FOOTER),
        ]
    )


# --------------------------------------------------------------------------- sentiment

SENTIMENT_PARAMS = [
    "corpus",
    "start",
    "end",
    "window",
    "sources",
    "categories",
    "columns",
    "url_section",
    "query",
    "top",
    "by",
    "freq",
]


def sentiment() -> nbformat.NotebookNode:
    return _notebook(
        [
            _md("""
# Sentiment

How positive or negative the selected articles are, with VADER scores per sentence
(compound from -1, most negative, to +1, most positive; |compound| < 0.05 is neutral).
Method: each sentence is scored with the names of people, organisations, places etc.
masked (replaced by a neutral word), so that words inside names ("Supreme" in "Supreme
People's Assembly") do not count as sentiment. An article's score fits its length: for a
short text (at most 60 words, e.g. a headline with its summary) VADER's compound of the
whole text, for a longer one the mean of its sentence scores (VADER's compound saturates
on long texts); the rule used is stated below. Groups and periods show the mean article
score with a 95% confidence interval. Also: sentiment of the sentences that mention each
entity, and the most positive and negative sentences. VADER is a word-list method made
for short social-media text: read the scores as a rough guide, not a verdict.
"""),
            _code(
                NOQA
                + """\
import warnings
from typing import Optional

import pandas as pd

warnings.filterwarnings("ignore", message="IProgress not found")  # tqdm without ipywidgets

from analysis.analyses.filters import filter_corpus
from analysis.analyses.metadata import load_report_corpus
from analysis.analyses.sentiment import (
    document_rule_note,
    document_sentiment,
    entity_sentiment,
    extreme_sentences,
    sentence_sentiment,
    sentiment_by_group,
    sentiment_over_time,
)
from analysis.analyses.timespan import chart_span
from analysis.corpus.load import load_report
from analysis.nlp.annotator import annotate
from analysis.reports import plots
from analysis.reports.display import (
    report_footer,
    report_header,
    report_section,
    require_documents,
    show,
    show_figure,
    show_message,
    show_table,
)
from analysis.reports.notebook import check_column, grouping_column, resolve_notebook_path
from analysis.reports.status import check_selection, show_run_status

started = pd.Timestamp.now(tz="UTC")
"""
            ),
            _code(
                COMMON_PARAMETERS
                + """\
query: Optional[str] = None  # keep only articles containing this word or phrase
top: int = 20  # rows per table and entities per chart (valid: min 1)
cache_dir: Optional[str] = None  # annotation cache folder; None: the default cache
by: str = "source"  # corpus column to compare groups by, e.g. "category" (valid: column)
freq: str = "week"  # time step of the over-time chart (valid: one of day, week, month)
""",
                tags=["parameters"],
            ),
            _code(
                LOAD.format(
                    query="query",
                    checks='check_column(raw, by, arg="by")  # a misspelt column: one line\n',
                )
                + ANNOTATE
                + f"""\
show(
    report_header(
        title="Sentiment: about this run",
        parameters={_params_dict(SENTIMENT_PARAMS)},
        corpus=docs,
        load_report=load_report(raw),
        annotations=ann,
        started=started,
    )
)
"""
            ),
            _md("""
## Distribution of scores
"""),
            _code("""
with report_section(docs):
    sentences = sentence_sentiment(docs, annotations=ann, progress=False)
    documents = document_sentiment(docs, annotations=ann, progress=False)
    show_message(document_rule_note(documents))
    fig, alt = plots.histogram_chart(
        {"Sentences": sentences["score"], "Articles": documents["compound"]},
        title="Distribution of VADER compound scores",
        xlabel="Compound score (-1 negative, +1 positive)",
    )
    show_figure(fig, alt=alt)
    show_table(
        sentences["label"].value_counts().rename_axis("sentence label").reset_index(name="sentences"),
        caption="Sentences by label (positive >= 0.05, negative <= -0.05)",
    )
"""),
            _md("""
## By group

Mean article score per group (the `by` parameter) with its 95% confidence interval; groups
with one article have no interval.
"""),
            _code("""
with report_section(docs):
    require_documents(docs)
    group = by
    if by in docs and docs[by].dropna().nunique() < 2:  # one value: nothing to compare
        group = grouping_column(docs)
        instead = f"comparing by {group} instead" if group else "no column splits them"
        show_message(f"All selected articles have the same {by} (or none); {instead}.")
    if group is not None:
        groups = sentiment_by_group(docs, by=group, annotations=ann, progress=False)
        fig, alt = plots.interval_chart(
            groups.assign(**{group: groups[group].astype("string").fillna("(none)")}),
            label=group,
            count="n_docs",
            title=f"Mean article sentiment by {group}",
            xlabel="Mean compound score (95% confidence interval)",
            limits=(-1.0, 1.0),
        )
        show_figure(fig, alt=alt)
        show_table(groups, caption=f"Sentiment by {group}")
"""),
            _md("""
## Over time
"""),
            _code("""
with report_section(docs):
    timed, span = chart_span(docs)  # stray dates at the ends are left out, and said so
    if span.message():
        show_message(span.message())
    over_time = sentiment_over_time(timed, freq=freq, annotations=ann, progress=False)
    fig, alt = plots.band_chart(
        over_time,
        title=f"Mean article sentiment per {freq}",
        xlabel=f"{str(freq).capitalize()} starting",
        ylabel="Mean compound score (95% CI band)",
        limits=(-1.0, 1.0),
    )
    show_figure(fig, alt=alt)
    show_table(over_time, caption=f"Sentiment per {freq} (n_docs: articles)", max_rows=60)
"""),
            _md("""
## Entities

Mean score of the sentences that mention each entity (at least 2 sentences). The interval
treats sentences as independent, so it is a rough guide.
"""),
            _code("""
with report_section(docs):
    ents = entity_sentiment(docs, annotations=ann, min_sentences=2, progress=False).head(top)
    if ents.empty:
        show_message("No entity is mentioned in at least 2 sentences.")
    else:
        fig, alt = plots.interval_chart(
            ents,
            label="name",
            mean="mean_compound",
            count="n_sentences",
            title=f"Sentiment of sentences mentioning the {len(ents)} most mentioned entities",
            xlabel="Mean compound score (95% confidence interval)",
            limits=(-1.0, 1.0),
        )
        show_figure(fig, alt=alt)
        show_table(ents, caption="Entity sentiment (n_sentences: sentences mentioning it)")
"""),
            _md("""
## Most positive and most negative sentences
"""),
            _code("""
with report_section(docs):
    extremes = extreme_sentences(docs, n=min(top, 10), annotations=ann, progress=False)
    cols = ["rank", "score", "text", "title", "source", "published"]
    for polarity in ("positive", "negative"):
        show_table(
            extremes[extremes["polarity"] == polarity],
            columns=cols,
            max_colwidth=300,
            caption=f"Most {polarity} sentences",
            empty=f"No {polarity} sentence.",
        )
"""),
            _code(FOOTER),
        ]
    )


NAMES = ("term_frequency", "entity_cooccurrence", "sentiment")


def main() -> None:
    for name, build in (
        ("term_frequency", term_frequency),
        ("entity_cooccurrence", entity_cooccurrence),
        ("sentiment", sentiment),
    ):
        nb = build()
        nbformat.validate(nb)
        path = HERE / f"{name}.ipynb"
        nbformat.write(nb, path)
        print(f"wrote {path.relative_to(HERE.parent)}")
    ruff = HERE.parent / ".venv" / "bin" / "ruff"
    if ruff.exists():  # keep the committed cells in the house format
        paths = [str(HERE / f"{n}.ipynb") for n in NAMES]
        subprocess.run([str(ruff), "format", "--quiet", *paths], check=True)


if __name__ == "__main__":
    main()
