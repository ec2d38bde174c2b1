"""Strict date parsing in analysis.corpus._dates."""

from __future__ import annotations

import datetime as dt
import email.utils

import numpy as np
import pandas as pd
import pytest

from analysis.corpus._dates import parse_date, parse_dates

UTC = dt.UTC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mon, 07 Mar 2022 08:01:56 GMT", "2022-03-07 08:01:56"),
        ("Mon, 7 Mar 2022 08:01:56 +0100", "2022-03-07 07:01:56"),
        ("7 Mar 2022 08:01 EST", "2022-03-07 13:01:00"),
        ("Sun, 06 Mar 2022 22:49:58 -0000", "2022-03-06 22:49:58"),
        ("2024-03-05", "2024-03-05 00:00:00"),
        ("2024-03-05T10:00:00Z", "2024-03-05 10:00:00"),
        ("2024-03-05T10:00:00", "2024-03-05 10:00:00"),  # naive = UTC
        ("2024-03-05 10:00:00+01:00", "2024-03-05 09:00:00"),
        ("2024-03-05T10:00:00.123456-05:00", "2024-03-05 15:00:00.123456"),
        ("20240305T100000Z", "2024-03-05 10:00:00"),
        ("2024-03-05 10:00:00 UTC", "2024-03-05 10:00:00"),
        ("5 March 2024", "2024-03-05"),
        ("5 Mar 2024", "2024-03-05"),
        ("March 5, 2024", "2024-03-05"),
        ("Mar 5 2024", "2024-03-05"),
        ("Tuesday, 5 March 2024", "2024-03-05"),
        ("  5   March, 2024 ", "2024-03-05"),
        (dt.date(2024, 3, 5), "2024-03-05"),
        (
            dt.datetime(2024, 3, 5, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "2024-03-05 08:00",
        ),
        (pd.Timestamp("2024-03-05 10:00"), "2024-03-05 10:00"),
        (np.datetime64("2024-03-05T10:00"), "2024-03-05 10:00"),
    ],
)
def test_accepted_formats(raw, expected):
    ts, missing = parse_date(raw)
    assert not missing
    assert ts == pd.Timestamp(expected, tz="UTC")
    assert str(ts.tz) == "UTC"


@pytest.mark.parametrize(
    "raw",
    [
        "05/03/2024",  # day/month order ambiguous: never guessed
        "3/5/24",
        "yesterday",
        "1700000000",  # epoch seconds are not guessed
        1700000000,
        "Mon, 07 Mar 2022 08:01:56 BST",  # zone name not defined by RFC 822
        "2024-02-30",
        "2024-13-01",
        "9999-12-31",  # outside datetime64[ns]
        "March 2024",
        "5 Mars 2024",
    ],
)
def test_refused_values(raw):
    assert parse_date(raw) == (None, False)


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan"), pd.NaT])
def test_missing_values(raw):
    assert parse_date(raw) == (None, True)


def test_parse_dates_vector_dtype_and_flags():
    published, bad = parse_dates(["2024-03-05", None, "nope", "2024-03-05", ""])
    assert str(published.dtype) == "datetime64[ns, UTC]"
    assert published.notna().tolist() == [True, False, False, True, False]
    assert bad.tolist() == [False, False, True, False, False]
    empty, bad = parse_dates([])
    assert len(empty) == 0 and str(empty.dtype) == "datetime64[ns, UTC]"


def test_rss_dates_match_email_utils(rss_csv):
    frame = pd.read_csv(rss_csv)
    published, bad = parse_dates(frame["pubDate"])
    assert not bad.any()
    expected = [email.utils.parsedate_to_datetime(v).astimezone(UTC) for v in frame["pubDate"]]
    assert published.tolist() == [pd.Timestamp(e) for e in expected]
