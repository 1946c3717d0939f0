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
          "overdue_days_max", "backlog_overdue", "earlier_overdue", "earlier_overdue_days_max", "recurred", "aired", "aired_closed", "inspections",
          "points_checked", "hazards_found_by_inspection", "population")
METRICS = ("found", "rectified", "rectification_rate", "closed", "closure_rate", "due", "on_time",
           "on_time_rate", "overdue", "overdue_days_total", "overdue_days_max", "overdue_per_10k",
           "backlog_overdue", "earlier_overdue", "earlier_overdue_days_max", "earlier_overdue_per_10k",
           "recurred", "recurrence_rate", "aired", "aired_closed",
           "aired_closure_rate", "inspections", "points_checked", "hazards_found_by_inspection")


# -- periods ----------------------------------------------------------------------


KINDS = ("week", "month", "quarter", "half", "year")
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True)
class Period:
    """An ISO week (2026-W43), a month (2022-12), quarter (2022-Q4), half (2022-H2) or year (2022).

    A week's year is its ISO year: 2026-W53 runs from 2026-12-28 to 2027-01-03.
    """

    kind: str
    year: int
    index: int  # ISO week 1–53, month 1–12, quarter 1–4, half 1–2, or 1 for a year

    @property
    def months(self) -> int:
        return _MONTHS[self.kind]

    @property
    def start(self) -> date:
        if self.kind == "week":
            return date.fromisocalendar(self.year, self.index, 1)
        return date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        if self.kind == "week":
            return self.start + timedelta(days=6)
        return _add_months(self.start, self.months) - timedelta(days=1)

    @property
    def whole_months(self) -> bool:
        """Whether the period is made of whole calendar months (every kind but the week)."""
        return self.kind != "week"

    @property
    def code(self) -> str:
        return {"week": f"{self.year}-W{self.index:02d}", "month": f"{self.year}-{self.index:02d}",
                "quarter": f"{self.year}-Q{self.index}", "half": f"{self.year}-H{self.index}",
                "year": f"{self.year}"}[self.kind]

    @property
    def label(self) -> str:
        """Chinese label: 2026年第43周（10月19日–10月25日）, 2022年12月, 2022年第4季度, 2022年下半年, 2022年."""
        if self.kind == "week":
            s, e = self.start, self.end
            # a week across a year end names both years: 2026年第53周（2026年12月28日–2027年1月3日）
            days = (f"{s.month}月{s.day}日–{e.month}月{e.day}日" if s.year == e.year == self.year
                    else f"{s.year}年{s.month}月{s.day}日–{e.year}年{e.month}月{e.day}日")
            return f"{self.year}年第{self.index}周（{days}）"
        return {"month": f"{self.year}年{self.index}月", "quarter": f"{self.year}年第{self.index}季度",
                "half": f"{self.year}年{'上' if self.index == 1 else '下'}半年",
                "year": f"{self.year}年"}[self.kind]

    @property
    def short_label(self) -> str:
        """A short Chinese label for chart axes and comparisons: 第43周, 9月, 第3季度, 上半年, 2025年."""
        return {"week": f"第{self.index}周", "month": f"{self.index}月", "quarter": f"第{self.index}季度",
                "half": f"{'上' if self.index == 1 else '下'}半年", "year": f"{self.year}年"}[self.kind]

    def shift(self, steps: int) -> "Period":
        if self.kind == "week":
            return period_of(self.start + timedelta(weeks=steps), "week")
        per_year = 12 // self.months
        n = self.year * per_year + (self.index - 1) + steps
        return Period(self.kind, n // per_year, n % per_year + 1)

    def previous(self) -> "Period":
        return self.shift(-1)

    def year_earlier(self) -> "Period":
        if self.kind == "week":
            # week 53 a year earlier is week 52 when that year has no week 53
            return Period("week", self.year - 1, min(self.index, weeks_in(self.year - 1)))
        return Period(self.kind, self.year - 1, self.index)

    def __str__(self) -> str:
        return self.code


def weeks_in(year: int) -> int:
    """How many ISO weeks a year has (52 or 53): 28 December is always in the last week."""
    return date(year, 12, 28).isocalendar().week


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


_PATTERNS = (
    (r"(\d{4})-?W(\d{1,2})", "week"), (r"(\d{4})-(\d{1,2})", "month"), (r"(\d{4})-?Q([1-4])", "quarter"),
    (r"(\d{4})-?H([12])", "half"), (r"(\d{4})", "year"),
)


def parse_period(text: str) -> Period:
    """'2026-W43', '2022-12', '2022-Q4', '2022-H2' or '2022'; ValueError (in Chinese) otherwise."""
    t = str(text).strip().upper()
    for pattern, kind in _PATTERNS:
        m = re.fullmatch(pattern, t)
        if m:
            year, index = int(m.group(1)), int(m.group(2)) if kind != "year" else 1
            if not 1990 <= year <= 2100:  # the years a ledger date may have (board.parse)
                raise ValueError(f"统计期“{text}”的年份 {year} 超出范围：应在 1990 到 2100 年之间")
            if kind == "month" and not 1 <= index <= 12:
                break
            if kind == "week" and not 1 <= index <= weeks_in(year):
                raise ValueError(f"{year} 年没有第 {index} 周（该年共 {weeks_in(year)} 周）")
            return Period(kind, year, index)
    raise ValueError(f"无法识别的统计期“{text}”：应为 2026-W43（周）、2022-12（月）、2022-Q4（季）、"
                     f"2022-H2（半年）或 2022（年）")


def period_of(d: date, kind: str) -> Period:
    if kind == "week":
        iso = d.isocalendar()
        return Period("week", iso.year, iso.week)
    months = _MONTHS[kind]
    return Period(kind, d.year, (d.month - 1) // months + 1)


# -- like for like (DESIGN §3 "Comparisons are like for like") -------------------------


def same_age(period: Period, as_of: date, other: Period) -> date:
    """The date `other` is seen as of to compare with `period` seen as of `as_of`: D′ = E′ + (D − E).

    D − E may be negative (the period is still running): D′ is then as far before E′.
    """
    return other.end + (as_of - period.end)


def like_for_like(period: Period, as_of: date, other: Period | None = None) -> tuple[Period, date]:
    """(P′, D′): the period compared with (the previous one by default) and the date it is seen as of."""
    other = other or period.previous()
    return other, same_age(period, as_of, other)


_BEFORE = {"week": "上周", "month": "上月", "quarter": "上季度", "half": "上一个半年", "year": "上年"}


def comparison_note(period: Period, as_of: date, other: Period | None = None) -> str:
    """What a change on screen is compared with, in Chinese: 与上月同口径比较：9月数据截至9月30日."""
    other, then = like_for_like(period, as_of, other)
    against = _BEFORE[period.kind] if other == period.previous() else "上年同期"
    when = f"{then.month}月{then.day}日" if then.year == as_of.year else f"{then.year}年{then.month}月{then.day}日"
    return f"与{against}同口径比较：{other.short_label if other.year == period.year else other.label}数据截至{when}"


# -- as of and the ledger ----------------------------------------------------------


def default_as_of(con) -> date | None:
    """The ledger's own now: the latest found, rectified or closed date."""
    v = db.run(con, "as_of_default")["as_of"].iloc[0]
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def ledger(con, period: Period, as_of: date) -> pd.DataFrame:
    """One row per town plus the district row (is_district), every ledger metric of §3."""
    return db.run(con, "ledger_metrics", start=period.start, end=period.end, as_of=as_of,
                  fast=rollup_applies(con, as_of, period))


def rollup_applies(con, as_of: date, period: Period | None = None) -> bool:
    """Whether ledger_rollup's month sums are exact for this period as of this date: only as of the rollup's
    own date, and only for periods of whole months (the rollup is by month, so never for a week).

    A period's months are then exactly its cohort as of that date (every hazard of the ledger was found
    on or before it). A previous period seen like for like (as of D′ < D) is always counted.
    """
    if period is not None and not period.whole_months:
        return False
    v = db.run(con, "rollup_as_of")["as_of"].iloc[0]
    return v is not None and not pd.isna(v) and pd.Timestamp(v).date() == as_of


def indicator_components(con, period: Period, definitions: dict, towns: pd.DataFrame) -> pd.DataFrame:
    """town_code × indicator code → year-on-year change (the indicator components of the index).

    Counts compare per 10,000 residents (this − last year) so that big towns are
    not punished for being big; percentages compare in points (this − last year).
    """
    if not period.whole_months:
        # indicators are monthly figures: a week has none of its own
        return pd.DataFrame({c["code"]: float("nan") for c in definitions["components"]
                             if c["source"] == "indicator"}, index=towns["town_code"])
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
    """(one row per town with every metric, score, rank, rank_change, tier, group, group_rank,
    group_rank_change, has_data), (components), district row.

    rank_change is the town's rank in the previous period P′ seen as of D′ = E′ + (D − E) (like for like,
    DESIGN §3) minus its rank now: positive = moved up. A town with no data in either period has none.
    """
    current, comps = _league_once(con, period, as_of, definitions)
    before, then = like_for_like(period, as_of)
    previous, _ = _league_once(con, before, then, definitions)
    towns = current[~current["is_district"]].copy()
    prev = previous[~previous["is_district"]].set_index("town_code")
    prev_rank = prev["rank"].where(prev["has_data"])
    prev_group_rank = prev["group_rank"].where(prev["has_data"])
    # the group a town is in now: a town's rank in its group before is among that group's towns before
    towns["previous_rank"] = towns["town_code"].map(prev_rank).astype("Int64")
    towns["rank_change"] = (towns["previous_rank"] - towns["rank"].where(towns["has_data"])).astype("Int64")
    same_group = towns["town_code"].map(prev["group"]) == towns["group"]
    towns["previous_group_rank"] = towns["town_code"].map(prev_group_rank).where(same_group).astype("Int64")
    towns["group_rank_change"] = (towns["previous_group_rank"]
                                  - towns["group_rank"].where(towns["has_data"])).astype("Int64")
    district = current[current["is_district"]].iloc[0]
    towns = towns.sort_values(["rank", "town_code"], na_position="last").reset_index(drop=True)
    return towns, comps, district


def previous_district(con, period: Period, as_of: date) -> tuple[Period, date, pd.Series]:
    """(P′, D′, the district row of the ledger for P′ as of D′): what the period's changes compare with."""
    before, then = like_for_like(period, as_of)
    df = ledger(con, before, then)
    return before, then, df[df["is_district"]].iloc[0]


_LEDGER_CODES = ("rectification_rate", "closure_rate", "on_time_rate", "overdue_per_10k",
                 "recurrence_rate", "aired_closure_rate", "earlier_overdue_per_10k")
NO_DATA = ("last", "rank", "none")  # the definitions' choices for a town with no hazards in the period


def _league_once(con, period, as_of, definitions):
    df = ledger(con, period, as_of)
    towns = df[~df["is_district"]]
    has_data = towns.set_index("town_code")["found"] > 0
    values = towns.set_index("town_code")[[c for c in df.columns if c in _LEDGER_CODES]].copy()
    if not df.loc[df["is_district"], "found"].iloc[0]:
        # no hazard found anywhere in the period: there is no ledger to score (not "everyone perfect")
        values[:] = float("nan")
    values = values.join(indicator_components(con, period, definitions, towns))
    policy = definitions.get("no_data", "last")
    if policy == "rank" or not has_data.any():
        scored, comps = composite(values, definitions)
    else:
        # a town with no hazards has nothing to be scored on: it must not take first place on its 0 overdue
        # (DESIGN §3); it is left out of the scoring so that it moves nobody else's scale either
        scored, comps = composite(values[has_data], definitions)
        scored = scored.reindex(values.index)
        scored["pulled_down"] = [p if isinstance(p, list) else [] for p in scored["pulled_down"]]
        scored["tier"] = scored["tier"].astype(object).where(scored["tier"].notna(), None)
        if policy == "last":
            # after every town with data, all sharing one rank (ties share a rank)
            scored.loc[~has_data, "rank"] = int(scored["rank"].notna().sum()) + 1   # 1, 1, 3 … then n + 1
    scored["has_data"] = has_data
    df = df.merge(scored, left_on="town_code", right_index=True, how="left")
    df["group"] = [town_group(ty, name, definitions) if not dist else None
                   for ty, name, dist in zip(df["town_type"], df["town_name"], df["is_district"])]
    df["group_rank"] = pd.Series(pd.NA, index=df.index, dtype="Int64")
    for _, members in df[~df["is_district"]].groupby("group"):
        df.loc[members.index, "group_rank"] = group_ranks(members, policy).astype("Int64")
    return df, comps


def group_ranks(members: pd.DataFrame, policy: str = "last") -> pd.Series:
    """Ranks inside one group: by score (ties share), towns without data after them (policy "last")."""
    r = rank(members["score"])
    if policy == "last":
        no_data = ~members["has_data"].astype(bool)
        if no_data.any() and (~no_data).any():
            r[no_data] = int(r[~no_data].notna().sum()) + 1
    return r


DEFAULT_GROUPS = {"街道": ["街道"], "镇乡": ["镇", "乡"], "园区": ["园区", "开发区", "工业园区", "高新区", "产业园"]}
OTHER_GROUP = "其他"


def groups(definitions: dict) -> dict[str, list[str]]:
    """The groups of town types the league is also ranked in (definitions "groups"), in their order."""
    return definitions.get("groups") or DEFAULT_GROUPS


def town_group(town_type, town_name, definitions: dict) -> str:
    """The group of a town: the one listing its type; a town without a type by the end of its name
    (…街道, …镇); else 其他 (definitions "other_group")."""
    g = groups(definitions)
    ty = str(town_type).strip() if isinstance(town_type, str) else ""
    if ty:
        for name, types in g.items():
            if ty in types:
                return name
    else:
        # the longest listed type first: 工业园区 before 园区
        suffixes = sorted(((t, name) for name, types in g.items() for t in types), key=lambda x: -len(x[0]))
        for t, name in suffixes:
            if str(town_name).endswith(t):
                return name
    return definitions.get("other_group") or OTHER_GROUP


# -- the JSON of `python -m board metrics` ------------------------------------------------


def board_metrics(con, period: Period, as_of: date | None, definitions: dict) -> dict:
    """DESIGN §6: {"period", "as_of", "district": {…}, "previous": {"period", "as_of", "district": {…}},
    "towns": [{…}]}; rates are fractions, empty rates null. "previous" is the period compared with, like for
    like: P′ as of D′ = E′ + (D − E)."""
    as_of = as_of or default_as_of(con)
    if as_of is None:
        return {"period": period.code, "as_of": None, "district": {}, "previous": None, "towns": []}
    towns, comps, district = league(con, period, as_of, definitions)
    before, then, before_district = previous_district(con, period, as_of)
    out_towns = []
    for _, t in towns.iterrows():
        row = {"town_code": t["town_code"], "town_name": t["town_name"]}
        row.update({m: _json(t[m], m) for m in ("population",) + METRICS})
        row.update(score=_json(t["score"], "score"), rank=_json(t["rank"], "rank"),
                   rank_change=_json(t["rank_change"], "rank"), tier=t["tier"],
                   group=t["group"], group_rank=_json(t["group_rank"], "rank"),
                   group_rank_change=_json(t["group_rank_change"], "rank"),
                   has_data=bool(t["has_data"]), pulled_down=list(t["pulled_down"]))
        c = comps[comps["town_code"] == t["town_code"]]
        row["components"] = {r.code: {"value": _json(r.value, "v"), "score": _json(r.score, "v"),
                                      "weight": r.weight, "shortfall": _json(r.shortfall, "v")}
                             for r in c.itertuples()}
        out_towns.append(row)
    return {
        "period": period.code,
        "as_of": as_of.isoformat(),
        "district": _district_json(district),
        "previous": {"period": before.code, "as_of": then.isoformat(), "district": _district_json(before_district)},
        "towns": out_towns,
    }


def _district_json(district: pd.Series) -> dict:
    return {m: _json(district[m], m) for m in ("population",) + METRICS}


def _json(v, name):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if name in COUNTS or name == "rank":
        return int(v)
    return float(v)
