"""Stage 4, reports: what report notebooks show, and running them as HTML pages.

- in the notebooks: :mod:`~analysis.reports.display` (escaped HTML: ``_html``),
  :mod:`~analysis.reports.plots` (``_chart_base``, ``_pair_charts``),
  :mod:`~analysis.reports.status`, :mod:`~analysis.reports.notebook`, and the cells every
  report notebook shares: :mod:`~analysis.reports.notebook_cells`;
- the explore notebook's widgets: :mod:`~analysis.reports.workbench`;
- running them: :mod:`~analysis.reports.runner` (parameters ``_params``, ``_param_checks``;
  planning ``_plan``; one report ``_execute``; several at once ``_parallel``; files
  ``_files``, ``_fs``; runs and the briefing page ``_runs``, ``_briefing_html``; the index
  ``_index``);
- :mod:`~analysis.reports.schedule` (failure mail ``_notify``) and
  :mod:`~analysis.reports.cli` (``newsdesk``, ``python -m analysis``).

The public names are re-exported by :mod:`analysis`; this package imports nothing itself.
"""
