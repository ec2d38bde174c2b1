"""Tell someone when a scheduled run failed or found nothing: the schedule's ``on_failure``.

The command is the user's own (``mail -s "newsdesk failed" me@example.org``, a ``curl``
to a webhook, ...), run through the shell in the schedule file's folder with the run's
summary table on stdin and ``NEWSDESK_SCHEDULE`` / ``NEWSDESK_STATUS`` in its environment.
It runs when a report failed or ended with any status other than ok / up to date (an
"empty" run included). Its own failure is reported on stderr and never hides the run's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["needs_notice", "notify_failure"]

#: Seconds the command may take.
TIMEOUT_S = 300


def needs_notice(results: Sequence[Any]) -> bool:
    """True when a run failed or was empty (any status other than ok / skipped)."""
    return not results or any(r.status not in ("ok", "skipped") for r in results)


def notify_failure(
    command: str, results: Sequence[Any], *, schedule: Path, quiet: bool = False
) -> int | None:
    """Run ``command`` with the summary on stdin when :func:`needs_notice`; its exit code.

    Example:
        >>> notify_failure("cat >> /tmp/failures.log", results, schedule=path)  # doctest: +SKIP
        0
    """
    from analysis.reports.runner import format_summary

    if not needs_notice(results):
        return None
    statuses = sorted({r.status for r in results}) or ["empty"]
    text = f"newsdesk schedule {schedule}: {', '.join(statuses)}\n\n{format_summary(results)}\n"
    env = {**os.environ, "NEWSDESK_SCHEDULE": str(schedule), "NEWSDESK_STATUS": ",".join(statuses)}
    try:
        done = subprocess.run(
            command,
            shell=True,
            input=text,
            text=True,
            cwd=schedule.parent,
            env=env,
            timeout=TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"on_failure command did not complete: {exc}", file=sys.stderr)
        return None
    if done.returncode != 0:
        print(f"on_failure command exited with {done.returncode}: {command}", file=sys.stderr)
    return done.returncode
