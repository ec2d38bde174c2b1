"""Shared fixtures. Real corpora live in ../shared/corpora (beside the repo, as in CI)
or in $NEWSDESK_CORPORA."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Beside the repo, as in CI; NEWSDESK_CORPORA points elsewhere (e.g. from a git worktree).
SHARED = Path(os.environ.get("NEWSDESK_CORPORA") or ROOT.parent / "shared" / "corpora")
BBC_DIR = SHARED / "bbc"
RSS_CSV = SHARED / "bbc_rss" / "bbc_news.csv"
SEED_DIR = SHARED / "seed"
SAMPLE_DIR = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def bbc_dir() -> Path:
    if not BBC_DIR.is_dir():
        pytest.skip(f"real corpus not found at {BBC_DIR}")
    return BBC_DIR


@pytest.fixture(scope="session")
def rss_csv() -> Path:
    if not RSS_CSV.is_file():
        pytest.skip(f"real corpus not found at {RSS_CSV}")
    return RSS_CSV


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    if not SEED_DIR.is_dir():
        pytest.skip(f"real corpus not found at {SEED_DIR}")
    return SEED_DIR


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def nlp_full():
    """spaCy's full default English pipeline, loaded once per session (the reference)."""
    from analysis.nlp.models import load_model

    return load_model(fast=False)
