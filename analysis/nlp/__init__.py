"""Stage 2, annotation: spaCy and VADER once per distinct text, cached; entity names.

- :mod:`~analysis.nlp.annotator`: :func:`annotate` (per-text rows ``_texts``, worker
  processes ``_pool``, Dask ``_dask``, result frames ``_assemble``, concurrent runs
  ``_claims``, worker lifetime ``_lifetime``);
- :mod:`~analysis.nlp.annotations`: :class:`Annotations`, the result;
- :mod:`~analysis.nlp.store`: the on-disk cache (``_schema``, ``_cachefs``; the name and
  entity-layer memos ``_memos``);
- :mod:`~analysis.nlp.models`: the spaCy pipeline;
- :mod:`~analysis.nlp.normalize`, :mod:`~analysis.nlp.entity_layer`,
  :mod:`~analysis.nlp.nationalities`: entity names, the document entity layer (kept per
  text in the cache by ``_layer_cache``), demonyms;
- ``_docscore``: document sentiment from sentence scores.

The public names are re-exported by :mod:`analysis`; this package imports nothing itself.
"""
