"""Tests for analysis.reports._fs: one-line file-system errors naming the path, stale
temporary files of killed runs cleaned."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.errors import ReportError


def _fs():
    import analysis.reports._fs as fs  # new in this change

    return fs


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    dead = _dead_pid()
    stale = [
        tmp_path / f".sentiment.{dead}.0a1b2c3d.tmp.ipynb",
        tmp_path / f".sentiment.{dead}.0a1b2c3d.tmp",
    ]
    alive = tmp_path / f".sentiment.{os.getppid()}.0a1b2c3d.tmp.ipynb"
    old = tmp_path / f".index.{os.getppid()}.ffffffff.tmp"
    keep = [tmp_path / "sentiment.ipynb", tmp_path / ".sentiment.lock", tmp_path / "x.tmp.ipynb"]
    for path in [*stale, alive, old, *keep]:
        path.write_text("{}")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    removed = _fs().clean_stale_temporaries(tmp_path)
    assert sorted(removed) == sorted([*stale, old])
    assert alive.exists() and all(p.exists() for p in keep)


def test_check_writable_names_the_folder(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ReportError, match=rf"output folder '{a_file}/reports' is not writable"):
        _fs().check_writable(a_file / "reports")
    _fs().check_writable(tmp_path / "new" / "reports")  # created
    assert (tmp_path / "new" / "reports").is_dir()
    assert list((tmp_path / "new" / "reports").iterdir()) == []  # no probe left


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux /sys (read-only)")
def test_check_writable_on_a_read_only_file_system():
    with pytest.raises(ReportError, match=r"'/sys/newsdesk-reports' is not writable: .*"):
        _fs().check_writable(Path("/sys/newsdesk-reports"))
