"""Turn exported cell text into dates, months, numbers and clean text, a whole column at a time.

Every parser returns the parsed values and a boolean `bad` mask: True where a
cell had something in it that could not be read. Empty cells are not bad. The
work is done once per distinct value (exports repeat dates and names a lot)
and with Arrow compute kernels: a million dates take a fraction of a second,
a million all-different timestamps about two.

Empty means "", whitespace, None/NaN, or a placeholder exports use for
"nothing here": - -- — —— / 无 N/A #N/A NULL None nan NaT.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

EARLIEST = np.datetime64("1990-01-01", "D")
LATEST = np.datetime64("2100-12-31", "D")
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0, after its fictitious 1900-02-29
EXCEL_SERIAL_MAX = 73050  # 2099-12-31

NULL_MARKERS = ["", "-", "--", "—", "——", "/", "无", "n/a", "#n/a", "null", "none", "nan", "nat"]

_TIME = (
    r"(?:[T\s]*(?:上午|下午)?\s*(?P<H>\d{1,2})[:：时点]\s*(?P<M>\d{1,2})"
    r"(?:\s*[:：分]\s*(?:(?P<S>\d{1,2})(?:[.,]\d+)?\s*秒?)?)?\s*(?:[AaPp][Mm])?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
)
# Separators are spelled out per alternative because RE2 has no back-references.
_YMD = (
    r"^(?P<y>\d{4})\s*(?:-\s*(?P<m1>\d{1,2})\s*-\s*(?P<d1>\d{1,2})"
    r"|/\s*(?P<m2>\d{1,2})\s*/\s*(?P<d2>\d{1,2})"
    r"|\.\s*(?P<m3>\d{1,2})\s*\.\s*(?P<d3>\d{1,2})"
    r"|年\s*(?P<m4>\d{1,2})\s*月\s*(?P<d4>\d{1,2})\s*[日号]?)" + _TIME + "$"
)
_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[T\s]*(?P<hms>\d{6}))?" + _TIME + "$"
_US = r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})" + _TIME + "$"
_SERIAL = r"^\d{1,5}(?:\.\d+)?$"
_MONTH = r"^(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:月份?)?$|^(?P<cy>\d{4})(?P<cm>\d{2})$"
_NUMBER = r"^(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d*))?(?P<pct>%?)$"
_SCIENTIFIC = r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$"


def parse_dates(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Dates (datetime64[ns] at midnight, NaT when empty) and a mask of cells that are not a date in 1990–2100."""
    s = _series(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(s.dtype):
        days = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        values, bad = _in_range(days)
        return _result(values, s), bad
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values, bad = _dates_from_numbers(s.to_numpy(dtype="float64", na_value=np.nan))
        return _result(values, s), bad
    values, bad = _by_unique(s, _dates_from_uniques, np.datetime64("NaT", "D"))
    return _result(values, s), bad


def parse_month(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Month starts (datetime64[ns]) for indicator months such as 2022-03, 2022年3月, 202203 or a date in the month."""
    s = _series(s)
    if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
        values, bad = _by_unique(s, _months_from_uniques, np.datetime64("NaT", "D"))
    else:
        days, bad = parse_dates(s)
        values = days.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    months = values.astype("datetime64[M]").astype("datetime64[D]")
    return _result(months, s), bad


def parse_numbers(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers as float64 (NaN when empty); "1,234.5" → 1234.5, "96.2%" → 0.962; full-width digits allowed."""
    s = _series(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(np.full(len(s), np.nan), index=s.index, name=s.name), s.to_numpy(dtype=bool, na_value=False)
    if pd.api.types.is_numeric_dtype(s.dtype):
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        return pd.Series(values, index=s.index, name=s.name), np.zeros(len(s), dtype=bool)
    plain = _plain_numbers(s)
    if plain is not None:
        return pd.Series(plain, index=s.index, name=s.name), np.zeros(len(s), dtype=bool)
    values, bad = _by_unique(s, _numbers_from_uniques, np.nan)
    return pd.Series(values, index=s.index, name=s.name), bad


def _plain_numbers(s: pd.Series) -> np.ndarray | None:
    """A text column of nothing but empty cells and plain decimals (121.5, -3) as float64, else None.

    Such a column reads the same without the per-value rules, and coordinates are nearly all distinct:
    half a million of them cost a third of a second through the rules, a twentieth straight."""
    if not (pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype)):
        return None
    text = pa.array(s, type=pa.string(), from_pandas=True)
    empty = pc.or_kleene(pc.is_null(text), pc.equal(text, ""))
    plain = pc.match_substring_regex(text, r"^-?[0-9]+(?:\.[0-9]+)?$")
    if not pc.all(pc.or_kleene(empty, plain)).as_py():
        return None
    return _to_float(pc.if_else(empty, pa.scalar(None, pa.string()), text))


def parse_integers(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Whole numbers as Int64 (<NA> when empty); "1,234" and "3.0" are fine, "1.5" is bad."""
    numbers, bad = parse_numbers(s)
    values = numbers.to_numpy()
    finite = np.isfinite(values)
    whole = finite & (values == np.floor(values)) & (np.abs(values) < 2.0**63)
    bad = bad | (~np.isnan(values) & ~whole)
    ints = pd.array(np.where(whole, values, 0).astype("int64"), dtype="Int64")
    ints[~whole] = pd.NA
    return pd.Series(ints, index=numbers.index, name=numbers.name), bad


def normalise_text(s: pd.Series) -> pd.Series:
    """Text with NFKC applied, ends stripped and inner whitespace collapsed to one space; empty stays ""."""
    s = _series(s)
    if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
        # Arrow end to end: each distinct value normalised once, no Python string objects per row
        arr = pc.fill_null(pa.array(s, type=pa.string()), "")
        if _mostly_distinct(arr):  # ids, names of units: hashing them costs more than it saves
            clean = _spaces_as_one(_clean(arr))
        else:
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.combine_chunks()
            enc = pc.dictionary_encode(arr)
            clean = pc.take(_spaces_as_one(_clean(enc.dictionary)), enc.indices)
        return pd.Series(clean.to_pandas(), index=s.index, name=s.name, dtype="str")
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    text = pa.array([v if isinstance(v, str) else cell_text(v) for v in uniques] if _mixed(uniques) else uniques,
                    type=pa.string())
    text = pc.replace_substring_regex(_clean(text), r"\s+", " ")
    values = np.append(text.to_numpy(zero_copy_only=False), "")
    return pd.Series(values[codes], index=s.index, name=s.name, dtype="str")


def normalise_key(value: str) -> str:
    """A header or alias reduced for matching: NFKC, no whitespace, lower case, () brackets, no */colon marks."""
    text = unicodedata.normalize("NFKC", str(value)).lower()
    text = "".join(text.split())
    text = text.translate(_BRACKETS).strip("*:")
    return text


_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "{": "(", "}": ")"})


def cell_text(value: object) -> str:
    """One spreadsheet or Parquet cell as the text an analyst would see (dates ISO, 44625.0 → "44625")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        x = float(value)
        if x != x:
            return ""
        if x.is_integer() and abs(x) < 1e16:
            return str(int(x))
        # Excel shows 15 significant digits; this drops binary noise like 0.9620000000000001
        return repr(float(format(x, ".15g")))
    if isinstance(value, dt.datetime):
        if pd.isna(value):
            return ""
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, np.datetime64):
        return cell_text(pd.Timestamp(value)) if not np.isnat(value) else ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


# ---------------------------------------------------------------- machinery


def _series(s) -> pd.Series:
    return s if isinstance(s, pd.Series) else pd.Series(s)


def _result(days: np.ndarray, like: pd.Series) -> pd.Series:
    return pd.Series(days.astype("datetime64[ns]"), index=like.index, name=like.name)


def _mixed(uniques) -> bool:
    """Whether factorised uniques need per-value conversion (anything but a plain string dtype)."""
    return not pd.api.types.is_string_dtype(uniques.dtype) or pd.api.types.is_object_dtype(uniques.dtype)


def _by_unique(s: pd.Series, parse, empty) -> tuple[np.ndarray, np.ndarray]:
    """Run `parse` once per distinct value and spread the answers back over the column."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values, bad = parse(uniques)
    values = np.append(values, np.array([empty], dtype=values.dtype))
    bad = np.append(bad, False)
    return values[codes], bad[codes]


def _split_objects(uniques) -> tuple[pa.Array, np.ndarray]:
    """Strings among the uniques as an Arrow array (non-strings become null) and a mask of the strings."""
    if not _mixed(uniques):
        return pa.array(uniques, type=pa.string()), np.ones(len(uniques), dtype=bool)
    is_text = np.fromiter((isinstance(v, str) for v in uniques), dtype=bool, count=len(uniques))
    text = pa.array([v if t else None for v, t in zip(uniques, is_text)], type=pa.string())
    return text, is_text


def _clean(text: pa.Array) -> pa.Array:
    """NFKC (full-width digits and punctuation become ASCII), zero-width marks removed, ends trimmed."""
    text = pc.utf8_normalize(text, "NFKC")
    text = _replace_if_any(text, r"[\x{200b}\x{200e}\x{200f}\x{feff}]", "")
    return pc.utf8_trim_whitespace(text)


def _spaces_as_one(text: pa.Array) -> pa.Array:
    """Inner whitespace collapsed to one space (the ends are already trimmed)."""
    return _replace_if_any(text, r"\s+", " ", changes=r"\s\s|[^\S ]")


def _replace_if_any(text, pattern: str, replacement: str, changes: str | None = None):
    """replace_substring_regex, skipped when no value would change: matching is a third of the cost of
    replacing, and exports rarely hold what is replaced."""
    if not pc.any(pc.match_substring_regex(text, changes or pattern)).as_py():
        return text
    return pc.replace_substring_regex(text, pattern, replacement)


def _mostly_distinct(text) -> bool:
    """Whether a column's first 10,000 values are mostly different (then per-value work beats hashing)."""
    head = text.slice(0, 10_000)
    return len(head) > 0 and len(pc.unique(head)) * 2 > len(head)


def _blank(text: pa.Array) -> np.ndarray:
    return _np_bool(pc.or_kleene(pc.is_null(text), pc.is_in(pc.utf8_lower(text), pa.array(NULL_MARKERS))))


def _np_bool(a) -> np.ndarray:
    return np.array(pc.fill_null(a, False).to_numpy(zero_copy_only=False), dtype=bool)


def _group(match: pa.Array, name: str) -> np.ndarray:
    """A numeric regex group as float64 (NaN where the pattern or the optional group did not match)."""
    field = pc.struct_field(match, name)
    field = pc.if_else(pc.equal(field, ""), pa.scalar(None, pa.string()), field)
    return np.array(pc.cast(field, pa.float64()).to_numpy(zero_copy_only=False), dtype="float64")


def _first(*arrays: np.ndarray) -> np.ndarray:
    out = arrays[0].copy()
    for a in arrays[1:]:
        out = np.where(np.isnan(out), a, out)
    return out


# ---------------------------------------------------------------- dates


def _dates_from_uniques(uniques) -> tuple[np.ndarray, np.ndarray]:
    text, is_text = _split_objects(uniques)
    days, bad = _dates_from_text(text)
    if not is_text.all():
        others = [v for v, t in zip(uniques, is_text) if not t]
        o_days, o_bad = _dates_from_objects(others)
        days[~is_text] = o_days
        bad[~is_text] = o_bad
    return days, bad


def _dates_from_objects(values: list) -> tuple[np.ndarray, np.ndarray]:
    """Dates from typed cells: datetimes and dates pass through, numbers are Excel serials or yyyymmdd."""
    days = np.full(len(values), np.datetime64("NaT", "D"))
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):  # only the few non-text distinct values of an object column
        if isinstance(v, (dt.date, np.datetime64)):
            ts = pd.Timestamp(v)
            if ts is pd.NaT:
                continue
            d, b = _in_range(np.array([ts.tz_localize(None).to_datetime64()]).astype("datetime64[D]"))
        elif isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)):
            d, b = _dates_from_numbers(np.array([float(v)]))
        else:
            d, b = np.array([np.datetime64("NaT", "D")]), np.array([not pd.isna(v)])
        days[i], bad[i] = d[0], b[0]
    return days, bad


def _dates_from_numbers(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel serial day numbers (44625 → 2022-03-05) or yyyymmdd integers (20220305)."""
    days = np.full(len(x), np.datetime64("NaT", "D"))
    present = ~np.isnan(x)
    serial = present & (x >= 1) & (x < EXCEL_SERIAL_MAX + 1)
    days[serial] = EXCEL_EPOCH + np.floor(x[serial]).astype("int64")
    compact = present & (x == np.floor(x)) & (x >= 10000101) & (x <= 99991231)
    if compact.any():
        n = x[compact].astype("int64")
        days[compact], _ = _ymd(n // 10000, n // 100 % 100, n % 100)
    days, out = _in_range(days)
    return days, present & (np.isnat(days) | out)


def _dates_from_text(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    text = _clean(text)
    blank = _blank(text)
    time_ok = np.ones(len(text), dtype=bool)

    # each later form is tried only on what the earlier ones left, so a million distinct values stay fast
    g = _match(text, _YMD, ~blank)
    y = g["y"]
    m = _first(*(g[f"m{i}"] for i in range(1, 5)))
    d = _first(*(g[f"d{i}"] for i in range(1, 5)))
    time_ok &= _time_ok(g)

    g = _match(text, _COMPACT, ~blank & np.isnan(y))
    hit = ~np.isnan(g["y"])
    hms = g["hms"]
    hms_ok = np.isnan(hms) | ((hms // 10000 < 24) & (hms // 100 % 100 < 60) & (hms % 100 < 60))
    y[hit], m[hit], d[hit] = g["y"][hit], g["m"][hit], g["d"][hit]
    time_ok &= ~hit | (_time_ok(g) & hms_ok)

    g = _match(text, _US, ~blank & np.isnan(y))
    hit = ~np.isnan(g["y"])
    # US exports write month/day/year; a column where some first fields exceed 12 and
    # no second field does can only be day/month/year.
    day_first = np.nanmax(g["a"], initial=0) > 12 and np.nanmax(g["b"], initial=0) <= 12
    us_m, us_d = (g["b"], g["a"]) if day_first else (g["a"], g["b"])
    y[hit], m[hit], d[hit] = g["y"][hit], us_m[hit], us_d[hit]
    time_ok &= ~hit | _time_ok(g)

    days, valid = _ymd(y, m, d)
    days[~(valid & time_ok)] = np.datetime64("NaT")

    serial = ~blank & np.isnan(y) & _np_bool(pc.match_substring_regex(text, _SERIAL))
    if serial.any():
        x = _to_float(pc.filter(text, pa.array(serial)))
        in_range = (x >= 1) & (x < EXCEL_SERIAL_MAX + 1)
        s_days = np.full(len(x), np.datetime64("NaT", "D"))
        s_days[in_range] = EXCEL_EPOCH + np.floor(x[in_range]).astype("int64")
        days[serial] = s_days

    days, _ = _in_range(days)
    return days, ~blank & np.isnat(days)


def _match(text: pa.Array, pattern: str, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Numeric groups of `pattern` for the selected rows, as full-length float arrays (NaN elsewhere)."""
    names = _group_names(pattern)
    out = {name: np.full(len(text), np.nan) for name in names}
    if rows.any():
        match = pc.extract_regex(pc.filter(text, pa.array(rows)), pattern)
        for name in names:
            out[name][rows] = _group(match, name)
    return out


def _group_names(pattern: str) -> list[str]:
    return re.findall(r"\(\?P<(\w+)>", pattern)


def _time_ok(groups: dict[str, np.ndarray]) -> np.ndarray:
    return ~(groups["H"] > 23) & ~(groups["M"] > 59) & ~(groups["S"] > 59)


def _ymd(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar dates from year/month/day arrays; impossible ones (2022-02-30, month 13) are NaT and not valid."""
    y, m, d = (np.asarray(v, dtype="float64") for v in (y, m, d))
    ok = ~np.isnan(y) & ~np.isnan(m) & ~np.isnan(d) & (m >= 1) & (m <= 12) & (d >= 1) & (y >= 1000) & (y <= 9999)
    months = np.where(ok, (y - 1970) * 12 + m - 1, 0).astype("int64")
    start = months.astype("datetime64[M]").astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - start).astype("int64")
    ok &= np.where(ok, d, 0) <= length
    days = start + (np.where(ok, d, 1).astype("int64") - 1)
    days[~ok] = np.datetime64("NaT")
    return days, ok


def _in_range(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dates outside 1990–2100 become NaT; the second array marks them."""
    days = days.astype("datetime64[D]").copy()
    out = ~np.isnat(days) & ((days < EARLIEST) | (days > LATEST))
    days[out] = np.datetime64("NaT")
    return days, out


# ---------------------------------------------------------------- months


def _months_from_uniques(uniques) -> tuple[np.ndarray, np.ndarray]:
    text, _ = _split_objects(uniques)
    match = pc.extract_regex(_clean(text), _MONTH)
    y = _first(_group(match, "y"), _group(match, "cy"))
    m = _first(_group(match, "m"), _group(match, "cm"))
    days, _ = _ymd(y, m, np.ones(len(y)))
    days, _ = _in_range(days)
    is_month = ~np.isnan(y)
    bad = is_month & np.isnat(days)
    # anything that is not a bare month may still be a whole date, serial or typed value
    rest = ~is_month
    if rest.any():
        days[rest], bad[rest] = _dates_from_uniques(uniques[rest])
    return days, bad


# ---------------------------------------------------------------- numbers


def _numbers_from_uniques(uniques) -> tuple[np.ndarray, np.ndarray]:
    text, is_text = _split_objects(uniques)
    values, bad = _numbers_from_text(text)
    if not is_text.all():
        for i in np.flatnonzero(~is_text):  # only the few non-text distinct values of an object column
            v = uniques[i]
            if isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)):
                values[i], bad[i] = float(v), False
            else:
                values[i], bad[i] = np.nan, not pd.isna(v)
    return values, bad


def _numbers_from_text(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    text = pc.replace_substring_regex(_clean(text), r"\s+", "")
    blank = _blank(text)
    match = pc.extract_regex(text, _NUMBER)
    sign, frac = pc.struct_field(match, "sign"), pc.struct_field(match, "frac")
    int_part = pc.replace_substring(pc.struct_field(match, "int"), ",", "")
    has_digits = _np_bool(pc.greater(pc.binary_length(pc.binary_join_element_wise(int_part, frac, "")), 0))
    no_value = pa.scalar(None, pa.string())
    plain = pc.binary_join_element_wise(sign, _or_zero(int_part), ".", _or_zero(frac), "")
    values = _to_float(pc.if_else(pa.array(has_digits), plain, no_value))
    percent = has_digits & _np_bool(pc.equal(pc.struct_field(match, "pct"), "%"))
    if percent.any():
        # digits / 10**k is correctly rounded while both are exact, so "96.2%" gives exactly 0.962
        digits = pc.binary_join_element_wise(sign, _or_zero(int_part), frac, "")
        scale = np.asarray(pc.fill_null(pc.utf8_length(frac), 0).to_numpy(zero_copy_only=False), dtype="float64") + 2
        values[percent] = (_to_float(pc.if_else(pa.array(percent), digits, no_value)) / np.power(10.0, scale))[percent]

    scientific = _np_bool(pc.match_substring_regex(text, _SCIENTIFIC))
    if scientific.any():
        values[scientific] = _to_float(pc.filter(text, pa.array(scientific)))
    values[blank] = np.nan
    return values, ~blank & np.isnan(values)


def _or_zero(digits: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(digits, ""), "0", digits)


def _to_float(text: pa.Array) -> np.ndarray:
    return np.array(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), dtype="float64")
