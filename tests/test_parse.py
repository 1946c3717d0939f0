"""Parsing exported cell text: dates, months, numbers, integers and clean text."""

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest

from board.parse import (cell_text, normalise_key, normalise_text, parse_dates, parse_integers, parse_month,
                         parse_numbers)

MARCH_5 = pd.Timestamp("2022-03-05")


def dates(*values):
    parsed, bad = parse_dates(pd.Series(list(values), dtype=object))
    return parsed.tolist(), bad.tolist()


@pytest.mark.parametrize("text", [
    "2022-03-05", "2022/3/5", "2022年3月5日", "2022.03.05", "20220305", "2022-3-5", "2022年03月05日",
    "44625", "44625.0", " 2022-03-05 ", "２０２２－０３－０５",
])
def test_each_date_form_parses_to_march_5(text):
    assert dates(text) == ([MARCH_5], [False])


@pytest.mark.parametrize("text", [
    "2022-03-05 14:30", "2022-03-05T14:30:00", "2022/3/5 8:05:00", "2022-03-05 14:30:00.123",
    "2022-03-05T14:30:00+08:00", "2022年3月5日 14时30分", "44625.6042",
])
def test_dates_with_a_time_are_normalised_to_midnight(text):
    assert dates(text) == ([MARCH_5], [False])


def test_excel_serial_44625_is_2022_03_05_whether_text_or_number():
    assert dates("44625", 44625, 44625.0) == ([MARCH_5] * 3, [False] * 3)
    parsed, bad = parse_dates(pd.Series([44625.0, np.nan]))
    assert parsed.iloc[0] == MARCH_5 and pd.isna(parsed.iloc[1]) and not bad.any()


def test_us_exports_are_month_first_when_the_year_is_last():
    assert dates("04/12/2018 11:11:26 AM", "04/12/2018") == ([pd.Timestamp("2018-04-12")] * 2, [False, False])


def test_a_column_with_first_fields_over_12_is_day_first():
    # 25/12 can only be day/month, so the whole column is read that way: 04/12 → 4 December
    assert dates("25/12/2018", "04/12/2018")[0] == [pd.Timestamp("2018-12-25"), pd.Timestamp("2018-12-04")]


def test_empty_values_are_nat_and_not_bad():
    parsed, bad = dates("", "   ", None, np.nan, "—", "/")
    assert all(pd.isna(p) for p in parsed) and bad == [False] * 6


@pytest.mark.parametrize("text", [
    "明天", "2022-13-01", "2022-02-30", "2023-02-29", "1989-12-31", "2101-01-01", "2022-03", "2022",
    "2022-03-05 25:00", "13/13/2022", "5", "99999",
])
def test_impossible_or_out_of_range_dates_are_bad(text):
    parsed, bad = dates(text)
    assert pd.isna(parsed[0]) and bad == [True]


def test_leap_day_is_a_real_date():
    assert dates("2024-02-29") == ([pd.Timestamp("2024-02-29")], [False])


def test_typed_dates_pass_through_normalised():
    typed = pd.Series(pd.to_datetime(["2022-03-05 14:30", None]))
    parsed, bad = parse_dates(typed)
    assert parsed.dtype == "datetime64[ns]" and parsed.iloc[0] == MARCH_5 and pd.isna(parsed.iloc[1])
    assert not bad.any()
    mixed = [dt.date(2022, 3, 5), dt.datetime(2022, 3, 5, 9), "2022/3/5", 44625, 20220305]
    assert dates(*mixed) == ([MARCH_5] * 5, [False] * 5)


def test_timezone_aware_dates_keep_their_wall_clock_day():
    aware = pd.Series(pd.to_datetime(["2022-03-05 23:30"]).tz_localize("Asia/Shanghai"))
    assert parse_dates(aware)[0].iloc[0] == MARCH_5


def test_parsed_dates_keep_the_index_and_name():
    s = pd.Series(["2022-03-05"], index=[7], name="发现日期")
    parsed, _ = parse_dates(s)
    assert parsed.index.tolist() == [7] and parsed.name == "发现日期"


@pytest.mark.parametrize("text", ["2022-03", "2022/3", "2022年3月", "202203", "2022.03", "2022年03月份",
                                  "2022-03-05", "2022/3/31", "44625"])
def test_month_forms_give_the_first_of_the_month(text):
    months, bad = parse_month(pd.Series([text]))
    assert months.tolist() == [pd.Timestamp("2022-03-01")] and bad.tolist() == [False]


def test_bad_months_are_flagged_and_empty_is_not():
    months, bad = parse_month(pd.Series(["2022-13", "上月", "", None]))
    assert months.isna().all() and bad.tolist() == [True, True, False, False]


def numbers(*values):
    parsed, bad = parse_numbers(pd.Series(list(values), dtype=object))
    return parsed.tolist(), bad.tolist()


def test_percent_strings_become_fractions_exactly():
    # digits / 10**k is exact-rounded: 962 / 1000 is the double nearest 0.962
    assert numbers("96.2%", "96.2 %", "96.2％", "100%", "-0.5%") == ([0.962, 0.962, 0.962, 1.0, -0.005], [False] * 5)


def test_thousands_separators_and_full_width_characters():
    assert numbers("1,234.5", "1，234", " 12 ", "１２３", "1,234,567") == ([1234.5, 1234, 12, 123, 1234567], [False] * 5)


def test_misplaced_separators_and_words_are_bad():
    parsed, bad = numbers("1,23", "12,34.5", "abc", "12人", "1.2.3", "%", ".")
    assert np.isnan(parsed).all() and all(bad)


def test_empty_numbers_are_nan_and_not_bad():
    parsed, bad = numbers("", " ", None, "—", "-", "N/A")
    assert np.isnan(parsed).all() and bad == [False] * 6


def test_plain_decimal_and_scientific_forms():
    assert numbers("-5", "+5", ".5", "12.", "0.1", "1e3", "1.5E-2") == ([-5, 5, 0.5, 12, 0.1, 1000, 0.015], [False] * 7)


def test_a_csv_text_column_reads_as_the_rules_read_it():
    # the reader's str columns: all plain decimals are cast by Arrow at once, anything else goes through the
    # rules (an object column always does); "inf" is a number to Arrow, not to an analyst
    for values in (["121.661666", "", "-3", "007", None], ["121.5", "inf"], ["1,234", "5"], ["1e3", "2"], [" 12", "3"]):
        text, text_bad = parse_numbers(pd.Series(values, dtype="str"))
        rules, rules_bad = parse_numbers(pd.Series(values, dtype=object))
        assert np.array_equal(text, rules, equal_nan=True) and text_bad.tolist() == rules_bad.tolist(), values
    assert parse_numbers(pd.Series(["121.5", "inf"], dtype="str"))[1].tolist() == [False, True]


def test_typed_numbers_pass_through():
    parsed, bad = parse_numbers(pd.Series([1, 2, None], dtype="Int64"))
    assert parsed.dtype == "float64" and parsed.tolist()[:2] == [1.0, 2.0] and np.isnan(parsed.iloc[2])
    assert not bad.any()


def test_integers_accept_separators_and_whole_decimals_but_not_fractions():
    parsed, bad = parse_integers(pd.Series(["1,234", "3.0", "1.5", "", "x", "7"]))
    assert parsed.dtype == "Int64"
    assert parsed.tolist()[:2] == [1234, 3] and parsed.iloc[5] == 7
    assert parsed.iloc[2:5].isna().all()
    assert bad.tolist() == [False, False, True, False, True, False]


def test_normalise_text_applies_nfkc_and_collapses_whitespace():
    s = pd.Series(["  东湖  街道 ", "", None, "ＡＢ\u3000c", "a\tb\nc", 12.0, 3])
    assert normalise_text(s).tolist() == ["东湖 街道", "", "", "AB c", "a b c", "12", "3"]


def test_normalise_key_matches_header_spellings():
    assert normalise_key(" 面积（平方公里） ") == normalise_key("面积(平方公里)") == "面积(平方公里)"
    assert normalise_key("*镇街名称：") == "镇街名称"
    assert normalise_key("Town Code") == "towncode"
    assert normalise_key("整改\n期限") == "整改期限"


def test_cell_text_shows_cells_as_excel_would():
    assert cell_text(44625.0) == "44625"
    assert cell_text(0.9620000000000001) == "0.962"
    assert cell_text(1.5) == "1.5"
    assert cell_text(dt.datetime(2022, 3, 5)) == "2022-03-05"
    assert cell_text(dt.datetime(2022, 3, 5, 14, 30)) == "2022-03-05 14:30:00"
    assert cell_text(dt.date(2022, 3, 5)) == "2022-03-05"
    assert cell_text(None) == "" and cell_text(float("nan")) == "" and cell_text(True) == "TRUE"


def test_parse_dates_on_a_million_strings_is_fast(capsys):
    rng = np.random.default_rng(0)
    n = 1_000_000
    days = (np.datetime64("2021-01-01") + rng.integers(0, 730, n)).astype(str)
    stamps = (np.datetime64("2021-01-01T00:00:00") + rng.integers(0, 730 * 86400, n).astype("timedelta64[s]"))
    stamps = np.char.replace(stamps.astype(str), "T", " ")
    timings = {}
    for label, values in [("dates", days), ("distinct datetimes", stamps)]:
        s = pd.Series(values, dtype="str")
        start = time.perf_counter()
        parsed, bad = parse_dates(s)
        timings[label] = time.perf_counter() - start
        assert not bad.any() and parsed.notna().all()
    with capsys.disabled():
        print("\nparse_dates on 1,000,000 strings: "
              + ", ".join(f"{label} {seconds:.2f} s" for label, seconds in timings.items()))
