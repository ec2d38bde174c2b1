"""``python -m analysis ...``: the same command line as ``newsdesk`` (see analysis.reports.cli)."""

from __future__ import annotations

import sys

from analysis.reports.cli import main

if __name__ == "__main__":
    sys.exit(main())
