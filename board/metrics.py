"""Periods, the as-of date, and the composite index (平安指数) with rank and tier (DESIGN §3).

The ledger metrics themselves are SQL (queries/ledger_metrics.sql); this module
only scores, weighs and ranks the 24-odd town rows, where SQL is clumsy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from board import db

RATES = ("rectification_rate", "closure_rate", "on_time_rate", "recurrence_rate", "aired_closure_rate")
COUNTS = ("found", "rectified", "closed", "due", "on_time", "overdue", "overdue_days_total",
          "overdue_days_max", "backlog_overdue", "recurred", "aired", "aired_closed", "inspections",
          "points_checked", "hazards_found_by_inspection", "population")
METRICS = ("found", "rectified", "rectification_rate", "closed", "closure_rate", "due", "on_time",
           "on_time_rate", "overdue", "overdue_days_total", "overdue_days_max", "overdue_per_10k",
           "backlog_overdue", "recurred", "recurrence_rate", "aired", "aired_closed",
           "aired_closure_rate", "inspections", "points_checked", "hazards_found_by_inspection")


# -- periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A month (2022-12), quarter (2022-Q4), half (2022-H2) or year (2022)."""

    kind: str
    year: int
    index: int  # month 1–12, quarter 1–4, half 1–2, or 1 for a year

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        return _add_months(self.start, self.months) - timedelta(days=1)

    @property
    def code(self) -> str:
        return {"month": f"{self.year}-{self.index:02d}", "quarter": f"{self.year}-Q{self.index}",
                "half": f"{self.year}-H{self.index}", "year": f"{self.year}"}[self.kind]

    @property
    def label(self) -> str:
        """Chinese label: 2022年12月, 2022年第4季度, 2022年下半年, 2022年."""
        return {"month": f"{self.year}年{self.index}月", "quarter": f"{self.year}年第{self.index}季度",
                "half": f"{self.year}年{'上' if self.index == 1 else '下'}半年",
                "year": f"{self.year}年"}[self.kind]

    def shift(self, steps: int) -> "Period":
        per_year = 12 // self.months
        n = self.year * per_year + (self.index - 1) + steps
        return Period(self.kind, n // per_year, n % per_year + 1)

    def previous(self) -> "Period":
        return self.shift(-1)

    def year_earlier(self) -> "Period":
        return Period(self.kind, self.year - 1, self.index)

    def __str__(self) -> str:
        return self.code


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


_PATTERNS = (
    (r"(\d{4})-(\d{1,2})", "month"), (r"(\d{4})-?Q([1-4])", "quarter"),
    (r"(\d{4})-?H([12])", "half"), (r"(\d{4})", "year"),
)


def parse_period(text: str) -> Period:
    """'2022-12', '2022-Q4', '2022-H2' or '2022'; ValueError (in Chinese) otherwise."""
    t = str(text).strip().upper()
    for pattern, kind in _PATTERNS:
        m = re.fullmatch(pattern, t)
        if m:
            year, index = int(m.group(1)), int(m.group(2)) if kind != "year" else 1
            if not 1990 <= year <= 2100:  # the years a ledger date may have (board.parse)
                raise ValueError(f"统计期“{text}”的年份 {year} 超出范围：应在 1990 到 2100 年之间")
            if kind == "month" and not 1 <= index <= 12:
                break
            return Period(kind, year, index)
    raise ValueError(f"无法识别的统计期“{text}”：应为 2022-12（月）、2022-Q4（季）、2022-H2（半年）或 2022（年）")


def period_of(d: date, kind: str) -> Period:
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    return Period(kind, d.year, (d.month - 1) // months + 1)


# -- as of and the ledger ----------------------------------------------------------


def default_as_of(con) -> date | None:
    """The ledger's own now: the latest found, rectified or closed date."""
    v = db.run(con, "as_of_default")["as_of"].iloc[0]
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def ledger(con, period: Period, as_of: date) -> pd.DataFrame:
    """One row per town plus the district row (is_district), every ledger metric of §3."""
    return db.run(con, "ledger_metrics", start=period.start, end=period.end, as_of=as_of,
                  fast=rollup_applies(con, as_of))


def rollup_applies(con, as_of: date) -> bool:
    """Whether ledger_rollup's month sums are exact as of this date: only as of the rollup's own date.

    Periods are whole months, so a period's months are exactly its cohort as of that date (every hazard
    of the ledger was found on or before it).
    """
    v = db.run(con, "rollup_as_of")["as_of"].iloc[0]
    return v is not None and not pd.isna(v) and pd.Timestamp(v).date() == as_of


def indicator_components(con, period: Period, definitions: dict, towns: pd.DataFrame) -> pd.DataFrame:
    """town_code × indicator code → year-on-year change (the indicator components of the index).

    Counts compare per 10,000 residents (this − last year) so that big towns are
    not punished for being big; percentages compare in points (this − last year).
    """
    last = period.year_earlier()
    df = db.run(con, "indicator_values", start=period.start, end=period.end,
                last_start=last.start, last_end=last.end)
    df = df[~df["is_district"]]
    pop = towns.set_index("town_code")["population"]
    out = {}
    for ind in definitions["components"]:
        if ind["source"] != "indicator":
            continue
        rows = df[df["indicator"] == ind["code"]].set_index("town_code")
        ok = (rows["months"] > 0) & (rows["last_months"] > 0)
        if ind.get("unit") == "%" or ind.get("aggregate") == "mean":
            change = (rows["mean"] - rows["last_mean"]).where(ok)
        else:
            p = pop.reindex(rows.index).astype("float64")
            change = ((rows["total"] - rows["last_total"]) * 10000.0 / p.where(p > 0)).where(ok)
        out[ind["code"]] = change
    return pd.DataFrame(out).reindex(towns["town_code"])


# -- the composite index -----------------------------------------------------------


def score_components(values: pd.DataFrame, definitions: dict) -> pd.DataFrame:
    """Each component scored 0–100 across the towns, direction-aware (best town 100, worst 0).

    When every town has the same value nobody is behind, so all score 100.
    An empty value (a rate with no denominator) stays empty and drops out of the index.
    """
    comps = [c for c in definitions["components"] if c["code"] in values.columns]
    x = _numbers(values, [c["code"] for c in comps])
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.fmin.reduce(x, axis=0, initial=np.inf)   # the minimum, ignoring empty values
        hi = np.fmax.reduce(x, axis=0, initial=-np.inf)
        higher = np.array([c["direction"] == "higher" for c in comps], dtype=bool)
        s = np.where(higher, 100.0 * (x - lo) / (hi - lo), 100.0 * (hi - x) / (hi - lo))
        s = np.where(hi == lo, 100.0, s)
        s[np.isnan(x)] = np.nan
    return pd.DataFrame(s, index=values.index, columns=[c["code"] for c in comps])


def _numbers(values: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """The chosen columns as a towns × components float array (anything unreadable empty)."""
    if not codes:
        return np.empty((len(values), 0))
    return np.column_stack([pd.to_numeric(values[c], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
                            for c in codes])


def composite(values: pd.DataFrame, definitions: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(towns: score, rank, tier, pulled_down), (one row per town and component, explained)."""
    scores = score_components(values, definitions)
    comps = [c for c in definitions["components"] if c["code"] in scores and float(c["weight"]) > 0]
    codes = [c["code"] for c in comps]
    n, k = len(values), len(comps)
    s = scores[codes].to_numpy(dtype="float64") if k else np.empty((n, 0))
    x = _numbers(values, codes)
    w = np.array([float(c["weight"]) for c in comps])
    avail = ~np.isnan(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        # the weights of the components a town has, summed in component order (renormalised below)
        weight_in = np.zeros(n)
        for j in range(k):
            weight_in = weight_in + np.where(avail[:, j], w[j], 0.0)
        share = np.where(avail & (weight_in[:, None] > 0), w / weight_in[:, None], np.nan)
        contribution = share * s
        shortfall = share * (100.0 - s)  # index points lost to this component
        medians = np.array([np.nanmedian(s[:, j]) if avail[:, j].any() else np.nan for j in range(k)])
    # correctly rounded sums (math.fsum), so the index does not depend on the components' order
    total = np.array([math.fsum(contribution[i, avail[i]]) if avail[i].any() else np.nan for i in range(n)])

    # component-major, as the "why" views read it: every town for the first component, then the next
    long = pd.DataFrame({
        "town_code": np.tile(values.index.to_numpy(dtype=object), k),
        "code": np.repeat(np.array(codes, dtype=object), n),
        "name": np.repeat(np.array([c["name"] for c in comps], dtype=object), n),
        "unit": np.repeat(np.array([c.get("unit", "") for c in comps], dtype=object), n),
        "direction": np.repeat(np.array([c["direction"] for c in comps], dtype=object), n),
        "weight": np.repeat(w, n),
        "value": x.T.reshape(-1),
        "score": s.T.reshape(-1),
        "median_score": np.repeat(medians, n),
        "share": share.T.reshape(-1),
        "contribution": contribution.T.reshape(-1),
        "shortfall": shortfall.T.reshape(-1),
    })
    towns = pd.DataFrame({"score": total}, index=values.index)
    towns["rank"] = rank(towns["score"])
    # object dtype keeps None for "no tier" (pandas 3 would turn a str column's None into NaN)
    towns["tier"] = pd.Series([tier(v, definitions["tiers"]) for v in total], index=towns.index, dtype=object)
    # the three components that cost each town the most; ties keep the definitions' order
    order = np.argsort(-np.nan_to_num(shortfall, nan=0.0), axis=1, kind="stable")
    towns["pulled_down"] = [[codes[j] for j in order[i] if shortfall[i, j] > 1e-9][:3] for i in range(n)]
    return towns, long


def rank(score: pd.Series) -> pd.Series:
    """1 is best; equal scores share a rank (1, 1, 3); no score, no rank."""
    # rounding first so that equal component values summed in another order still tie
    return score.round(9).rank(method="min", ascending=False).astype("Int64")


def tier(score: float, thresholds: dict) -> str | None:
    if score is None or pd.isna(score):
        return None
    if score >= thresholds["green"]:
        return "green"
    return "yellow" if score >= thresholds["yellow"] else "red"


def league(con, period: Period, as_of: date, definitions: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """(one row per town with every metric, score, rank, rank_change, tier), (components), district row."""
    current, comps = _league_once(con, period, as_of, definitions)
    previous, _ = _league_once(con, period.previous(), as_of, definitions)
    towns = current[~current["is_district"]].copy()
    prev_rank = previous[~previous["is_district"]].set_index("town_code")["rank"]
    towns["previous_rank"] = towns["town_code"].map(prev_rank).astype("Int64")
    towns["rank_change"] = (towns["previous_rank"] - towns["rank"]).astype("Int64")
    district = current[current["is_district"]].iloc[0]
    towns = towns.sort_values(["rank", "town_code"], na_position="last").reset_index(drop=True)
    return towns, comps, district


def _league_once(con, period, as_of, definitions):
    df = ledger(con, period, as_of)
    towns = df[~df["is_district"]]
    values = towns.set_index("town_code")[[c for c in df.columns if c in _LEDGER_CODES]].copy()
    if not df.loc[df["is_district"], "found"].iloc[0]:
        # no hazard found anywhere in the period: there is no ledger to score (not "everyone perfect")
        values[:] = float("nan")
    values = values.join(indicator_components(con, period, definitions, towns))
    scored, comps = composite(values, definitions)
    df = df.merge(scored, left_on="town_code", right_index=True, how="left")
    return df, comps


_LEDGER_CODES = ("rectification_rate", "closure_rate", "on_time_rate", "overdue_per_10k",
                 "recurrence_rate", "aired_closure_rate")


# -- the JSON of `python -m board metrics` ------------------------------------------------


def board_metrics(con, period: Period, as_of: date | None, definitions: dict) -> dict:
    """DESIGN §6: {"period", "as_of", "district": {…}, "towns": [{…}]}; rates are fractions, empty rates null."""
    as_of = as_of or default_as_of(con)
    if as_of is None:
        return {"period": period.code, "as_of": None, "district": {}, "towns": []}
    towns, comps, district = league(con, period, as_of, definitions)
    out_towns = []
    for _, t in towns.iterrows():
        row = {"town_code": t["town_code"], "town_name": t["town_name"]}
        row.update({m: _json(t[m], m) for m in ("population",) + METRICS})
        row.update(score=_json(t["score"], "score"), rank=_json(t["rank"], "rank"),
                   rank_change=_json(t["rank_change"], "rank"), tier=t["tier"],
                   pulled_down=list(t["pulled_down"]))
        c = comps[comps["town_code"] == t["town_code"]]
        row["components"] = {r.code: {"value": _json(r.value, "v"), "score": _json(r.score, "v"),
                                      "weight": r.weight, "shortfall": _json(r.shortfall, "v")}
                             for r in c.itertuples()}
        out_towns.append(row)
    return {
        "period": period.code,
        "as_of": as_of.isoformat(),
        "district": {m: _json(district[m], m) for m in ("population",) + METRICS},
        "towns": out_towns,
    }


def _json(v, name):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if name in COUNTS or name == "rank":
        return int(v)
    return float(v)
