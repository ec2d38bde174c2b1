"""Stage 3, analyses: tidy DataFrames from a corpus (and its annotations).

- words: :mod:`~analysis.analyses.terms` (frequencies, collocations),
  :mod:`~analysis.analyses.trends`, :mod:`~analysis.analyses.kwic`,
  :mod:`~analysis.analyses.keyness`, :mod:`~analysis.analyses.tfidf`,
  :mod:`~analysis.analyses.terms_dask` (shared: ``_tokenize``, ``_counting``, ``_selection``);
- entities: :mod:`~analysis.analyses.entities`, :mod:`~analysis.analyses.cooccurrence`,
  :mod:`~analysis.analyses.network` (shared: ``_mentions``);
- sentiment: :mod:`~analysis.analyses.sentiment`;
- selecting documents: :mod:`~analysis.analyses.filters`, :mod:`~analysis.analyses.periods`,
  :mod:`~analysis.analyses.metadata`, :mod:`~analysis.analyses.timespan`;
- what changed between runs (the briefing): :mod:`~analysis.analyses.briefing`,
  :mod:`~analysis.analyses.volume`, :mod:`~analysis.analyses.bursts`,
  :mod:`~analysis.analyses.shifts`.

The public names are re-exported by :mod:`analysis`; this package imports nothing itself.
"""
