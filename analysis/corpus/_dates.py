"""Strict date parsing for corpus loading: known formats only, never a guess.

Accepted (anything else becomes NaT and is reported as unparseable, with its raw value):

- RFC 822 / 2822 (RSS ``pubDate``): ``"Mon, 07 Mar 2022 08:01:56 GMT"``, ``"7 Mar 2022 08:01 +0100"``.
  Parsed with :func:`email.utils.parsedate_to_datetime`. A named zone must be one the RFC
  defines (UT, UTC, GMT, Z, EST/EDT, CST/CDT, MST/MDT, PST/PDT); others (``"BST"``) are refused.
- ISO 8601 (:meth:`datetime.datetime.fromisoformat`): ``"2024-03-05"``, ``"2024-03-05T10:00:00Z"``,
  ``"2024-03-05 10:00:00+01:00"``, ``"20240305T100000Z"``; a trailing ``" UTC"``/``" GMT"`` is allowed.
- Plain dates with a month name: ``"5 March 2024"``, ``"5 Mar 2024"``, ``"March 5, 2024"``,
  ``"Mar 5 2024"``, ``"Tuesday, 5 March 2024"``, ``"5 March, 2024"``.
- ``datetime.date``/``datetime.datetime``/``pandas.Timestamp`` values (e.g. from Parquet).

Times without a zone ("naive") are taken as UTC. Purely numeric day/month orders such as
``"05/03/2024"`` are ambiguous and are refused, as are bare numbers (epoch seconds are not guessed).
Each distinct raw value is parsed once, so large columns with repeated values are fast.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["parse_date", "parse_dates"]

_RFC822_SHAPE = re.compile(
    r"^(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s+(?P<zone>[A-Za-z]+|[+-]\d{4}))?$"
)
_RFC822_ZONES = {"UT", "UTC", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"}
_ISO_SHAPE = re.compile(r"^\d{4}-?\d{2}-?\d{2}(?:[T ]\d{2}.*)?$")
_ZONE_SUFFIX = re.compile(r"\s+(?:UTC|GMT)$", re.IGNORECASE)
_WEEKDAY_PREFIX = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\.?,?\s+",
    re.IGNORECASE,
)
_PLAIN_FORMATS = (
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%d %b, %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
)
_MIN = pd.Timestamp.min.tz_localize("UTC")
_MAX = pd.Timestamp.max.tz_localize("UTC")


def _to_utc(value: dt.datetime) -> pd.Timestamp | None:
    """A tz-aware UTC Timestamp; naive values are UTC. None when out of the ns range."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        ts = pd.Timestamp(value).tz_convert("UTC")
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return None
    if not (_MIN <= ts <= _MAX):
        return None
    return ts


def _parse_rfc822(text: str) -> dt.datetime | None:
    m = _RFC822_SHAPE.match(text)
    if not m:
        return None
    zone = m.group("zone")
    if zone and zone.isalpha() and zone.upper() not in _RFC822_ZONES:
        return None
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_iso(text: str) -> dt.datetime | None:
    text = _ZONE_SUFFIX.sub("", text)
    if not _ISO_SHAPE.match(text):
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_plain(text: str) -> dt.datetime | None:
    text = _WEEKDAY_PREFIX.sub("", " ".join(text.split()))
    for fmt in _PLAIN_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_date(value: Any) -> tuple[pd.Timestamp | None, bool]:
    """Parse one raw value. Returns ``(timestamp or None, missing)``.

    ``missing`` is True when there was no value at all (None, NaN, empty string); then the
    result is None and nothing is unparseable. ``(None, False)`` means "present but refused".
    """
    if value is None or value is pd.NaT:
        return None, True
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None, True
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    if isinstance(value, dt.datetime):
        return _to_utc(value), False
    if isinstance(value, dt.date):
        return _to_utc(dt.datetime(value.year, value.month, value.day)), False
    if not isinstance(value, str):
        return None, False
    text = value.strip()
    if not text:
        return None, True
    for parser in (_parse_rfc822, _parse_iso, _parse_plain):
        parsed = parser(text)
        if parsed is not None:
            return _to_utc(parsed), False
    return None, False


def parse_dates(values: Iterable[Any]) -> tuple[pd.Series, np.ndarray]:
    """Parse many raw values (each distinct value once).

    Returns ``(published, unparseable)``: a ``datetime64[ns, UTC]`` Series (NaT when missing
    or refused) and a boolean array, True where a value was present but could not be parsed.
    """
    values = list(values)
    cache: dict[Any, tuple[pd.Timestamp | None, bool]] = {}
    out: list[pd.Timestamp | None] = []
    bad = np.zeros(len(values), dtype=bool)
    for i, raw in enumerate(values):
        try:
            key = raw if isinstance(raw, str) else ("obj", raw)
            hit = cache.get(key)
        except TypeError:  # unhashable
            key, hit = None, None
        if hit is None:
            hit = parse_date(raw)
            if key is not None:
                cache[key] = hit
        ts, missing = hit
        out.append(ts)
        bad[i] = ts is None and not missing
    series = pd.Series(
        pd.DatetimeIndex([pd.NaT if t is None else t for t in out], tz="UTC").as_unit("ns"),
        dtype="datetime64[ns, UTC]",
    )
    return series, bad
