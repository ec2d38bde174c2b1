"""Read the real BBC corpus for tests without going through analysis.load_corpus.

Tests of the analyses read the files directly so that they do not depend on the loader
(whose own tests check it against the same files).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def _decode(raw: bytes) -> str:
    """UTF-8, else Latin-1 (the BBC corpus has one Latin-1 byte, in sport/199.txt)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def bbc_frame(bbc_dir: Path, n: int | None = None) -> pd.DataFrame:
    """BBC articles as doc_id, title, text, category: all, or ``n`` spread evenly.

    Title is the first line, text the rest, both stripped; doc_id is "category/NNN".
    """
    files = sorted(Path(bbc_dir).glob("*/*.txt"))
    if n is not None:
        files = files[:: max(1, len(files) // n)][:n]
    rows = []
    for path in files:
        title, _, body = _decode(path.read_bytes()).partition("\n")
        rows.append(
            {
                "doc_id": f"{path.parent.name}/{path.stem}",
                "title": title.strip(),
                "text": body.strip(),
                "category": path.parent.name,
            }
        )
    return pd.DataFrame(rows)


def bbc_texts(bbc_dir: Path, n: int | None = None) -> list[str]:
    """The analysed text of each article (title, blank line, body), as document_text gives."""
    df = bbc_frame(bbc_dir, n)
    return (df["title"] + "\n\n" + df["text"]).tolist()
