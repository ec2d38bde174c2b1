"""Stage 1, loading: files on disk -> one corpus DataFrame and its load report.

- :mod:`~analysis.corpus.load`: :func:`load_corpus` (options in ``_options``; inputs walked
  and read by ``_collect`` with ``_walk``, ``_readers``, ``_tables``, ``_records``,
  ``_sidecar``, ``_decode``; the frame built by ``_build`` with ``_boilerplate``,
  ``_dates``, ``_dedup``);
- :mod:`~analysis.corpus.report`: :class:`LoadReport`, :func:`load_report`;
- :mod:`~analysis.corpus.snapshot`: :func:`load_corpus_cached`, the corpus snapshot
  (merging changed files: ``_snapshot_merge``; their boilerplate from the stored per-source
  repeated-unit counts: ``_snapshot_boilerplate``);
- :mod:`~analysis.corpus.shards`: :func:`read_corpus_dask`, sharded corpora for Dask.

The public names are re-exported by :mod:`analysis`; this package imports nothing itself.
"""
