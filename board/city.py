"""The city level (issue 15): a city's districts (县市区) measured against each other as a district measures its
towns, with the same definitions of DESIGN §3.

A district's figures are its towns' counts summed, and its rates recomputed from those sums (never averaged):
the district row of the city league equals the whole row of the same district's own board. The composite
index scores districts against districts; weights and tiers may differ per level (definitions "levels").
"""

from __future__ import annotations

import copy
from datetime import date

import pandas as pd

from board import db, metrics
from board.metrics import COUNTS, METRICS, Period

UNASSIGNED = "未分区县"  # towns listed before their districts were: shown, never ranked
_MAXIMA = ("overdue_days_max", "earlier_overdue_days_max")
_SUMS = tuple(c for c in COUNTS if c not in _MAXIMA and c != "population")
_RATES = {  # rate: (numerator, denominator)
    "rectification_rate": ("rectified", "found"), "closure_rate": ("closed", "found"),
    "on_time_rate": ("on_time", "due"), "recurrence_rate": ("recurred", "closed"),
    "aired_closure_rate": ("aired_closed", "aired"),
}
_PER_10K = {"overdue_per_10k": "overdue", "earlier_overdue_per_10k": "earlier_overdue"}


def level_definitions(definitions: dict, level: str) -> dict:
    """The definitions as a level reads them: "levels": {"district": {"weights": {code: w}, "tiers": {…},
    "no_data": …}} overrides the town level's weights, tiers and no-data rule for that level."""
    over = (definitions.get("levels") or {}).get(level) or {}
    if not over:
        return definitions
    out = copy.deepcopy(definitions)
    weights = over.get("weights") or {}
    for c in out["components"]:
        if c["code"] in weights:
            c["weight"] = weights[c["code"]]
    for key in ("tiers", "no_data", "board_size"):
        if key in over:
            out[key] = over[key]
    return out


def is_city(con) -> bool:
    """Whether the store is a city's: it lists districts."""
    return not db.run(con, "district_list").empty


def district_rows(ledger: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    """One row per listed district (and one for towns without a district, if any): every ledger metric of §3
    from its towns' rows of ledger_metrics, counts summed, maxima taken, rates recomputed from the sums.

    Population per 10,000 residents: the towns' sum when every town's is known (as the whole row counts it),
    else the district's own listed population, else none."""
    towns = ledger[~ledger["is_district"]]
    listed = districts.set_index("district_code")
    # a town whose district is not listed (or has none) counts under UNASSIGNED, keyed "" here
    key = towns["district_code"].astype(object).where(towns["district_code"].isin(list(listed.index)), "")
    numbers = towns[list(_SUMS) + list(_MAXIMA) + ["population"]].apply(pd.to_numeric).astype("float64")
    g = numbers.groupby(key.to_numpy())
    sums, maxima = g[list(_SUMS)].sum(), g[list(_MAXIMA)].max()
    counts, known = g.size(), g["population"].count()
    keys = list(listed.index) + ([""] if "" in counts.index else [])
    out = pd.DataFrame({"district_code": [k if k != "" else None for k in keys],
                        "district_name": [listed.at[k, "district_name"] if k != "" else UNASSIGNED for k in keys],
                        "towns": counts.reindex(keys).fillna(0).astype("int64").to_numpy()})
    for c in _SUMS:
        out[c] = sums[c].reindex(keys).fillna(0).astype("int64").to_numpy()
    for c in _MAXIMA:
        out[c] = maxima[c].reindex(keys).astype("Int64").to_numpy()
    towns_pop = g["population"].sum().reindex(keys).where(known.reindex(keys) == counts.reindex(keys))
    own = pd.to_numeric(listed["population"], errors="coerce").reindex(keys)
    pop = towns_pop.where(towns_pop.notna() & (counts.reindex(keys) > 0), own.to_numpy())
    out["population"] = pop.astype("Int64").to_numpy()
    people = out["population"].astype("float64")
    for rate, (num, den) in _RATES.items():
        out[rate] = (out[num] / out[den].where(out[den] > 0)).astype("float64")
    for rate, num in _PER_10K.items():
        out[rate] = (out[num] * 10000.0 / people.where(people > 0)).astype("float64")
    out = out[["district_code", "district_name", "towns", "population", *METRICS]]
    for c in METRICS:
        if c not in _RATES and c not in _PER_10K:
            out[c] = out[c].astype("Int64")
    return out


def indicator_components(con, period: Period, definitions: dict, ledger: pd.DataFrame,
                         districts: pd.DataFrame) -> pd.DataFrame:
    """district_code × indicator code → year-on-year change, as metrics.indicator_components counts a town's:
    the district's totals (its towns' summed) per 10,000 of its residents, percentages and means over every
    town-month the district reported, in points."""
    codes = [c["code"] for c in definitions["components"] if c["source"] == "indicator"]
    index = pd.Index(districts["district_code"], dtype=object)
    if not period.whole_months or not codes:
        return pd.DataFrame({c: float("nan") for c in codes}, index=index)
    last = period.year_earlier()
    df = db.run(con, "indicator_values", start=period.start, end=period.end,
                last_start=last.start, last_end=last.end)
    df = df[~df["is_district"]].copy()
    place = ledger[~ledger["is_district"]].set_index("town_code")["district_code"]
    df["district_code"] = df["town_code"].map(place)
    # a mean over town-months: each town's monthly mean weighted by its months reported
    df["sum_now"] = df["mean"] * df["months"]
    df["sum_last"] = df["last_mean"] * df["last_months"]
    by = df.groupby(["district_code", "indicator"])
    g = by[["total", "last_total", "sum_now", "sum_last"]].sum(min_count=1).join(
        by[["months", "last_months"]].sum())
    pop = districts.set_index("district_code")["population"]
    out = {}
    for ind in definitions["components"]:
        if ind["source"] != "indicator":
            continue
        rows = g.xs(ind["code"], level="indicator") if ind["code"] in g.index.get_level_values(1) else g.iloc[0:0]
        rows = rows.reindex(index)
        ok = (rows["months"] > 0) & (rows["last_months"] > 0)
        if ind.get("unit") == "%" or ind.get("aggregate") == "mean":
            change = (rows["sum_now"] / rows["months"] - rows["sum_last"] / rows["last_months"]).where(ok)
        else:
            p = pd.to_numeric(pop.reindex(index), errors="coerce").astype("float64")
            change = ((rows["total"] - rows["last_total"]) * 10000.0 / p.where(p > 0)).where(ok)
        out[ind["code"]] = change.astype("float64")
    return pd.DataFrame(out, index=index)


def _league_once(con, period: Period, as_of: date, definitions: dict):
    ledger = metrics.ledger(con, period, as_of)
    listed = db.run(con, "district_list")
    rows = district_rows(ledger, listed)
    ranked = rows[rows["district_code"].notna()]
    values = ranked.set_index("district_code")[[c for c in metrics._LEDGER_CODES]].astype("float64")
    has_data = ranked.set_index("district_code")["found"].fillna(0) > 0
    if not has_data.any():
        values[:] = float("nan")  # no hazard anywhere in the period: nothing to score
    # the districts' own population beside their towns', for the indicators per 10,000 residents
    people = ranked[["district_code", "population"]]
    values = values.join(indicator_components(con, period, definitions, ledger, people))
    policy = definitions.get("no_data", "last")
    if policy == "rank" or not has_data.any():
        scored, comps = metrics.composite(values, definitions)
    else:
        scored, comps = metrics.composite(values[has_data], definitions)
        scored = scored.reindex(values.index)
        scored["pulled_down"] = [p if isinstance(p, list) else [] for p in scored["pulled_down"]]
        scored["tier"] = scored["tier"].astype(object).where(scored["tier"].notna(), None)
        if policy == "last":
            scored.loc[~has_data, "rank"] = int(scored["rank"].notna().sum()) + 1
    scored["has_data"] = has_data
    out = rows.merge(scored, left_on="district_code", right_index=True, how="left")
    out["has_data"] = out["has_data"].fillna(False).astype(bool)
    out["pulled_down"] = [p if isinstance(p, list) else [] for p in out["pulled_down"]]
    whole = ledger[ledger["is_district"]].iloc[0]
    return out, comps.rename(columns={"town_code": "district_code"}), whole


def league(con, period: Period, as_of: date, definitions: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """(one row per district with every metric, score, rank, previous_rank, rank_change, tier, has_data,
    pulled_down), (components, one row per district and component), the city row (every town summed).

    rank_change is like for like (DESIGN §3): the district's rank in P′ seen as of D′ = E′ + (D − E) minus
    its rank now; positive = moved up."""
    definitions = level_definitions(definitions, "district")
    now, comps, whole = _league_once(con, period, as_of, definitions)
    before, then = metrics.like_for_like(period, as_of)
    prev, _, _ = _league_once(con, before, then, definitions)
    prev_rank = prev.set_index("district_code")["rank"].where(prev.set_index("district_code")["has_data"])
    prev_rank = prev_rank[prev_rank.index.notna()]
    now["previous_rank"] = now["district_code"].map(prev_rank).astype("Int64")
    now["rank_change"] = (now["previous_rank"] - now["rank"].where(now["has_data"])).astype("Int64")
    now["rank"] = now["rank"].astype("Int64")
    now = now.sort_values(["rank", "district_code"], na_position="last").reset_index(drop=True)
    return now, comps, whole


def board_metrics(con, period: Period, as_of: date | None, definitions: dict, only: str | None = None) -> dict:
    """`python -m board metrics --level district --json`: {"period", "as_of", "level": "district", "city": {…},
    "previous": {"period", "as_of", "city": {…}}, "districts": [{"district_code", "district_name", <every
    metric of §3>, "score", "rank", "rank_change", "tier", …}]}; with `only` (a district code) the list holds
    that district alone, ranked among all."""
    as_of = as_of or metrics.default_as_of(con)
    if as_of is None:
        return {"period": period.code, "as_of": None, "level": "district", "city": {}, "previous": None,
                "districts": []}
    rows, comps, whole = league(con, period, as_of, definitions)
    before, then, before_whole = metrics.previous_district(con, period, as_of)
    if only is not None:
        rows = rows[rows["district_code"] == only]
    out = []
    for _, d in rows.iterrows():
        row = {"district_code": d["district_code"], "district_name": d["district_name"], "towns": int(d["towns"])}
        row.update({m: metrics._json(d[m], m) for m in ("population",) + METRICS})
        row.update(score=metrics._json(d["score"], "score"), rank=metrics._json(d["rank"], "rank"),
                   rank_change=metrics._json(d["rank_change"], "rank"), tier=d["tier"],
                   has_data=bool(d["has_data"]), pulled_down=list(d["pulled_down"]))
        c = comps[comps["district_code"] == d["district_code"]]
        row["components"] = {r.code: {"value": metrics._json(r.value, "v"), "score": metrics._json(r.score, "v"),
                                      "weight": r.weight, "shortfall": metrics._json(r.shortfall, "v")}
                             for r in c.itertuples()}
        out.append(row)
    return {
        "period": period.code,
        "as_of": as_of.isoformat(),
        "level": "district",
        "city": metrics._district_json(whole),
        "previous": {"period": before.code, "as_of": then.isoformat(), "city": metrics._district_json(before_whole)},
        "districts": out,
    }


def resolve(con, text: str) -> str:
    """A district named by its code, name or an alias → its code; ValueError in Chinese otherwise."""
    listed = db.run(con, "district_list")
    t = str(text).strip()
    for _, d in listed.iterrows():
        names = {d["district_code"], d["district_name"]} | {
            a.strip() for a in str(d["aliases"] or "").replace("、", ",").replace("，", ",").replace(";", ",")
            .replace("；", ",").replace("|", ",").split(",") if a.strip()}
        if t in names:
            return d["district_code"]
    if listed.empty:
        raise ValueError("这个仓库只有一个区县（没有上传区县名单），不能按区县查看")
    raise ValueError(f"没有区县“{t}”：可用 " + "、".join(f"{c}（{n}）" for c, n in
                                                   zip(listed["district_code"], listed["district_name"])))

