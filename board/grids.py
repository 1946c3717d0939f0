"""The grid level (issue 14): grid metrics per grid, town and district, monthly stars (星级) and 升降星.

The counting is SQL (queries/grid_metrics.sql over the grid_flags macro); this module scores the ~1,500
grid rows by the star rule of the definitions file, where SQL is clumsy, and compares like for like.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Callable

import numpy as np
import pandas as pd

from board import db, definitions as defs, metrics
from board.parse import normalise_key
from board.metrics import Period

RATES = ("valid_rate", "closure_rate", "on_time_rate")
COUNTS = ("events", "valid_events", "closed", "due", "on_time", "overdue", "households", "population")
STARS = (1, 2, 3, 4, 5)
# the grid row of `python -m board grids --json`, in this order (issue 14)
JSON_FIELDS = ("grid_code", "grid_name", "town_code", "worker", "events", "valid_events", "valid_rate", "closed",
               "closure_rate", "due", "on_time", "on_time_rate", "overdue", "stars", "star_change")
PLACE_FIELDS = ("events", "valid_events", "valid_rate", "closed", "closure_rate", "due", "on_time",
                "on_time_rate", "overdue", "households", "events_per_1k_households")


# -- as of and the counts ------------------------------------------------------------


def default_as_of(con) -> date | None:
    """The grid events' own now: the latest reported or closed date (deadlines do not count)."""
    v = db.run(con, "grid_as_of_default")["as_of"].iloc[0]
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def counted(con, period: Period, as_of: date) -> pd.DataFrame:
    """One row per grid, town and the district (column level): the grid metrics of the period as of D."""
    return db.run(con, "grid_metrics", start=period.start, end=period.end, as_of=as_of)


def same_age(period: Period, as_of: date) -> tuple[Period, date]:
    """The previous period and the date it is seen as of: D′ = E′ + (D − E), the same age (DESIGN §3)."""
    previous = period.previous()
    return previous, previous.end + (as_of - period.end)


def star_month(period: Period, as_of: date) -> Period:
    """The month stars are given for: the period itself if a month, else the month of its last day known at D."""
    if period.kind == "month":
        return period
    return metrics.period_of(min(period.end, as_of), "month")


# -- the star rule ---------------------------------------------------------------------


def star_rule(definitions: dict | None = None) -> dict:
    """The star rule in force: the definitions' grid_stars, else the shipped default's."""
    rule = (definitions or {}).get("grid_stars")
    return rule if rule else defs.load()["grid_stars"]


def rule_problems(rule: dict) -> list[str]:
    """What is wrong with an edited star rule, in Chinese; empty when it can be used."""
    out = []
    comps = rule.get("components") or []
    if not comps or sum(float(c.get("weight") or 0) for c in comps) <= 0:
        out.append("星级得分至少要有一个权重大于 0 的分项")
    for c in comps:
        if c.get("code") not in RATES:
            out.append(f"星级分项 {c.get('code')} 不存在（可用：{'、'.join(RATES)}）")
        if float(c.get("weight") or 0) < 0:
            out.append(f"“{c.get('name')}”的权重不能为负")
    th = rule.get("thresholds") or {}
    values = [th.get(str(s)) for s in (5, 4, 3, 2)]
    if not all(isinstance(v, (int, float)) for v in values) or not 100 >= values[0] >= values[1] >= values[2] \
            >= values[3] >= 0:
        out.append("星级门槛应满足 100 ≥ 五星 ≥ 四星 ≥ 三星 ≥ 二星 ≥ 0")
    if int(rule.get("stars_below_min", 5)) not in STARS or int(rule.get("min_valid_events", 0)) < 0:
        out.append("有效事件不足时的星级应为 1–5，最少有效事件数不能为负")
    return out


def scores(grids: pd.DataFrame, rule: dict) -> pd.Series:
    """Each grid's score 0–100: its rates × 100, weighted, over the components it has (an empty rate drops out
    and the other weights grow in proportion); empty for a grid with no events. Rounded to 9 decimals, so that a
    score the arithmetic puts on a threshold (0.85 × 100 = 85.00000000000001) counts as on it."""
    comps = [(c["code"], float(c["weight"])) for c in rule["components"] if float(c["weight"]) > 0]
    if grids.empty or not comps:
        return pd.Series(float("nan"), index=grids.index, dtype="float64")
    values = np.column_stack([pd.to_numeric(grids[code], errors="coerce").to_numpy("float64", na_value=np.nan)
                              for code, _ in comps])
    weights = np.array([w for _, w in comps])
    have = ~np.isnan(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(have, values * 100.0 * weights, 0.0).sum(axis=1) / np.where(have, weights, 0.0).sum(axis=1)
    return pd.Series(np.round(total, 9), index=grids.index, dtype="float64")


def stars_of(score: float, valid_events: int, rule: dict) -> int:
    """1–5 stars: the highest star whose threshold the score reaches (on it counts); capped at stars_below_min
    when the month had fewer than min_valid_events valid events; no score (no events) is 1 star."""
    if score is None or pd.isna(score):
        return 1
    th = rule["thresholds"]
    stars = next((s for s in (5, 4, 3, 2) if score >= float(th[str(s)])), 1)
    if valid_events < int(rule.get("min_valid_events", 0)):
        stars = min(stars, int(rule.get("stars_below_min", 5)))
    return stars


def rate(current: pd.DataFrame, previous: pd.DataFrame, rule: dict) -> pd.DataFrame:
    """The grid rows of `current` (grid_metrics) with score, stars, previous_stars and star_change
    (stars − previous_stars; positive = rose), previous being the same grids' counts a month earlier."""
    grids = current[current["level"] == "grid"].reset_index(drop=True).copy()
    grids["score"] = scores(grids, rule)
    grids["stars"] = pd.array([stars_of(s, int(v), rule) for s, v in zip(grids["score"], grids["valid_events"])],
                              dtype="Int64")
    before = previous[previous["level"] == "grid"].reset_index(drop=True)
    before_stars = pd.Series([stars_of(s, int(v), rule) for s, v in zip(scores(before, rule), before["valid_events"])],
                             index=before["grid_code"], dtype="Int64")
    grids["previous_stars"] = grids["grid_code"].map(before_stars).astype("Int64")
    grids["star_change"] = (grids["stars"] - grids["previous_stars"]).astype("Int64")
    return grids


def view(counts_of: Callable[[Period, date], pd.DataFrame], period: Period, as_of: date, rule: dict) -> dict:
    """Everything the grid level shows for a period as of D, from counts_of(period, as_of) (grid_metrics):
    month (the star month), previous and as_of_before (its like-for-like comparison), grids (the period's grid
    rows with score, stars, previous_stars, star_change of the star month), towns and district (their rows)."""
    month = star_month(period, as_of)
    previous, as_of_before = same_age(month, as_of)
    this = counts_of(month, as_of)
    stars = rate(this, counts_of(previous, as_of_before), rule)
    places = this if period == month else counts_of(period, as_of)
    grids = places[places["level"] == "grid"].reset_index(drop=True)
    grids = grids.merge(stars.set_index("grid_code")[["score", "stars", "previous_stars", "star_change"]],
                        left_on="grid_code", right_index=True, how="left")
    return {"period": period, "as_of": as_of, "month": month, "previous": previous, "as_of_before": as_of_before,
            "grids": grids, "towns": places[places["level"] == "town"].reset_index(drop=True),
            "district": places[places["level"] == "district"].iloc[0]}


def rated(con, period: Period, as_of: date, definitions: dict) -> pd.DataFrame:
    """Every grid's metrics for the period as of D, with its stars and 升降星 for the star month."""
    return view(lambda p, a: counted(con, p, a), period, as_of, star_rule(definitions))["grids"]


# -- what the 网格 page shows ----------------------------------------------------------


def town_stars(grids: pd.DataFrame, towns: pd.DataFrame) -> pd.DataFrame:
    """One row per town (every listed town, in code order): how many of its grids hold 1…5 stars, and its grids."""
    counts = (grids.groupby(["town_code", "stars"]).size().unstack("stars")
              .reindex(columns=list(STARS), fill_value=0).reindex(towns["town_code"]).fillna(0).astype("int64"))
    counts.columns = [f"stars_{s}" for s in STARS]
    out = towns[["town_code", "town_name"]].reset_index(drop=True).join(counts.reset_index(drop=True))
    out["grids"] = out[[f"stars_{s}" for s in STARS]].sum(axis=1)
    return out


def moved(grids: pd.DataFrame, *, fell_by: int | None = None, rose_by: int | None = None) -> pd.DataFrame:
    """The grids whose stars fell by at least fell_by (biggest falls first) or rose by at least rose_by."""
    change = grids["star_change"]
    if fell_by is not None:
        picked = grids[(change <= -fell_by).fillna(False)].sort_values(["star_change", "town_code", "grid_code"])
    else:
        picked = grids[(change >= rose_by).fillna(False)].sort_values(["star_change", "town_code", "grid_code"],
                                                                      ascending=[False, True, True])
    return picked.reset_index(drop=True)


def town_league(grids: pd.DataFrame, town_code: str) -> pd.DataFrame:
    """A town's grids, best first: by stars, then score; equal stars and score share a rank (1, 1, 3)."""
    inside = grids[grids["town_code"] == town_code].copy()
    key = inside["stars"].astype("float64") * 1000 + inside["score"].fillna(-1)
    inside["rank"] = metrics.rank(key)
    return inside.sort_values(["rank", "grid_code"]).reset_index(drop=True)


def history(counts_of: Callable[[Period, date], pd.DataFrame], grid_code: str, month: Period, as_of: date,
            rule: dict, n: int = 12) -> pd.DataFrame:
    """A grid's stars over the n months ending with `month`, each month seen at the same age as this one
    (D_k = E_k + (D − E)): one row per month, oldest first (period, as_of, events, score, stars)."""
    rows = []
    for k in range(n - 1, -1, -1):
        p = month.shift(-k)
        seen = p.end + (as_of - month.end)
        g = counts_of(p, seen)
        g = g[(g["level"] == "grid") & (g["grid_code"] == grid_code)]
        if g.empty:
            continue
        score = scores(g, rule).iloc[0]
        rows.append({"period": p.code, "label": p.label, "as_of": seen, "events": int(g["events"].iloc[0]),
                     "score": score, "stars": stars_of(score, int(g["valid_events"].iloc[0]), rule)})
    return pd.DataFrame(rows, columns=["period", "label", "as_of", "events", "score", "stars"])


def rule_lines(rule: dict, english: bool = False, name: Callable[[str], str] = str) -> list[str]:
    """The star rule as the page shows it, in Chinese (or in English, each component's name through `name`)."""
    comps = [c for c in rule["components"] if float(c["weight"]) > 0]
    th = rule["thresholds"]
    if english:
        return [
            "Score = " + " + ".join(f"{name(c['name'])} × {float(c['weight']):g}" for c in comps)
            + f" (÷ {sum(float(c['weight']) for c in comps):g}, out of 100; a rate with no denominator is left "
            "out and the other weights scaled up)",
            "Stars: " + ", ".join(f"{s} stars for a score ≥ {float(th[str(s)]):g}" for s in (5, 4, 3, 2))
            + ", otherwise 1 star (a score exactly on a threshold earns it)",
            f"A grid with fewer than {int(rule.get('min_valid_events', 0))} valid events in the month gets at most "
            f"{int(rule.get('stars_below_min', 5))} stars; a grid with no events in the month gets 1 star",
            "Stars up/down = this month's stars − last month's; last month is seen at the same age (this month as "
            "of N days past its end, last month as of N days past its own end)",
        ]
    return [
        "得分 = " + " + ".join(f"{c['name']}×{float(c['weight']):g}" for c in comps)
        + f"（÷ {sum(float(c['weight']) for c in comps):g}，按百分制；某项没有分母时不计，其余权重按比例放大）",
        "星级：" + "，".join(f"{s}星 得分 ≥ {float(th[str(s)]):g}" for s in (5, 4, 3, 2)) + "，其余 1 星（正好等于门槛也得该星）",
        f"当月有效事件少于 {int(rule.get('min_valid_events', 0))} 件的网格最多 {int(rule.get('stars_below_min', 5))} 星；"
        "当月没有事件的网格得 1 星",
        "升降星 = 本月星级 − 上月星级；上月按同样的天龄计算（本月截至月末后第 N 天，上月也看到其月末后第 N 天）",
    ]


# -- the JSON of `python -m board grids` ---------------------------------------------------


def resolve_town(con, town: str) -> str:
    """A town's code from its code, name or alias; ValueError in Chinese when none matches."""
    lookup = db.run(con, "town_lookup")
    hits = {c for k, c in zip(lookup["key"], lookup["town_code"]) if normalise_key(k) == normalise_key(town)}
    if len(hits) != 1:
        raise ValueError(f"没有镇街“{town}”（可用代码、名称或别名）")
    return hits.pop()


def board_grids(con, period: Period, as_of: date | None, definitions: dict, town: str | None = None) -> dict:
    """Issue 14: {"period", "as_of", "grids": [{JSON_FIELDS…}]}, plus the star month, the like-for-like
    previous month, and the towns' and district's rows; rates are fractions, empty rates null."""
    as_of = as_of or default_as_of(con)
    if as_of is None:
        return {"period": period.code, "as_of": None, "grids": []}
    town_code = resolve_town(con, town) if town else None
    v = view(lambda p, a: counted(con, p, a), period, as_of, star_rule(definitions))
    month, previous, as_of_before, grids, places = v["month"], v["previous"], v["as_of_before"], v["grids"], v["towns"]
    if town_code:
        grids = grids[grids["town_code"] == town_code]
        places = places[places["town_code"] == town_code]
    out = {
        "period": period.code,
        "as_of": as_of.isoformat(),
        "star_month": month.code,
        "previous": {"period": previous.code, "as_of": as_of_before.isoformat()},
        "grids": [{f: _json(g[f], f) for f in (*JSON_FIELDS, "score", "previous_stars", "households",
                                               "events_per_1k_households")}
                  for _, g in grids.sort_values(["town_code", "grid_code"]).iterrows()],
        "towns": [{"town_code": p["town_code"], "town_name": p["town_name"],
                   **{f: _json(p[f], f) for f in PLACE_FIELDS}}
                  for _, p in places.iterrows()],
    }
    if not town_code:
        out["district"] = {f: _json(v["district"][f], f) for f in PLACE_FIELDS}
    return out


def _json(v, name):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if name in COUNTS or name in ("stars", "star_change", "previous_stars"):
        return int(v)
    if name in ("grid_code", "grid_name", "town_code", "worker"):
        return str(v)
    return float(v)
