"""Worker processes die with their parent; SIGTERM stops a run like Ctrl-C (real processes)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from analysis.nlp._lifetime import sigterm_as_interrupt

ROOT = Path(__file__).resolve().parents[2]

# analysis/nlp/_lifetime.py loaded on its own (stdlib only): a light, fast child process.
_IMPORT = """
import importlib.util, sys
_spec = importlib.util.spec_from_file_location("_lifetime", {path!r})
_lifetime = importlib.util.module_from_spec(_spec)
sys.modules["_lifetime"] = _lifetime
_spec.loader.exec_module(_lifetime)
""".format(path=str(ROOT / "analysis" / "nlp" / "_lifetime.py"))

# A parent that starts one worker process calling die_with_parent, then sleeps.
_PARENT = _IMPORT + textwrap.dedent(
    """
    import multiprocessing, os, sys, time

    def worker(parent_pid, pdeathsig):
        if not pdeathsig:  # the portable fallback alone: the watchdog thread
            _lifetime._set_pdeathsig = lambda: False
        _lifetime.die_with_parent(parent_pid, interval_s=0.1)
        time.sleep(600)

    if __name__ == "__main__":
        ctx = multiprocessing.get_context(sys.argv[1])
        proc = ctx.Process(target=worker, args=(os.getpid(), sys.argv[2] == "1"))
        proc.start()
        print(proc.pid, flush=True)
        time.sleep(600)
    """
)


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
@pytest.mark.parametrize("pdeathsig", [True, False], ids=["pdeathsig", "watchdog"])
def test_worker_dies_when_its_parent_is_killed(tmp_path, start_method, pdeathsig):
    if start_method not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip(f"no {start_method} start method here")
    script = tmp_path / "parent.py"
    script.write_text(_PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script), start_method, "1" if pdeathsig else "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        worker = psutil.Process(int(parent.stdout.readline()))
        descendants = psutil.Process(parent.pid).children(recursive=True)
        assert worker in descendants
        parent.kill()  # kill -9: no cleanup code runs in the parent
        parent.wait(timeout=30)
        _, alive = psutil.wait_procs(descendants, timeout=30)
        assert alive == []  # the worker (and, with spawn, the resource tracker) are gone
    finally:
        parent.kill()
        for proc in psutil.Process().children(recursive=True):
            if proc.pid != parent.pid:
                proc.kill()


_SIGTERMED = _IMPORT + textwrap.dedent(
    """
    import time

    with _lifetime.sigterm_as_interrupt("test run"):
        try:
            print("ready", flush=True)
            time.sleep(600)
        except KeyboardInterrupt as exc:
            print("interrupted:", type(exc).__name__, flush=True)
            raise
        finally:
            print("cleaned up", flush=True)
    print("not reached", flush=True)
    """
)


def test_sigterm_runs_the_ctrl_c_cleanup_then_ends_the_process(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(_SIGTERMED)
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline() == "ready\n"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM  # the default action, after the cleanup
    assert out.splitlines() == ["interrupted: Terminated", "cleaned up"]
    assert "Traceback" not in err
    assert "test run: stopped by SIGTERM" in err


def test_a_program_that_handles_sigterm_keeps_its_handler():
    def mine(signum, frame):
        pass

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        with sigterm_as_interrupt():
            assert signal.getsignal(signal.SIGTERM) is mine
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_outside_the_block_sigterm_has_its_default_action_again():
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    with sigterm_as_interrupt():
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
