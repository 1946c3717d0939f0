"""The pandas peer: the board's figures computed the way a typical Streamlit app does it.

The whole ledger sits in one DataFrame (loaded once, as st.cache_data would keep
it) and every rerun filters it again for the chosen period and as-of date. The
definitions are those of DESIGN §3, written as boolean masks; the benchmark
asserts that they give the same numbers as the board's SQL.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from board import metrics, vocab
from board.store import State

FIELDS = ["hazard_id", "town_code", "category", "source", "severity", "unit_name", "department",
          "leader", "escalation", "notice_no", "lon", "lat", "found_date", "deadline",
          "rectified_date", "closed_date", "source_row", "batch_seq"]
RECURRENCE_DAYS = 60


def load(state: State) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(hazards, towns): the current rows of the store's batches, one frame each, read once."""
    parts = [pq.read_table(f, columns=FIELDS).to_pandas() for f in state.files("hazards")]
    h = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    # a later batch replaces a hazard with the same id (DESIGN §2)
    h = h.sort_values(["batch_seq", "source_row"]).drop_duplicates("hazard_id", keep="last")
    for c in ("found_date", "deadline", "rectified_date", "closed_date"):
        h[c] = pd.to_datetime(h[c])
    h = h.sort_values("found_date", kind="stable").reset_index(drop=True)
    t = pd.concat([pq.read_table(f).to_pandas() for f in state.files("towns")], ignore_index=True)
    t = t.sort_values(["batch_seq", "source_row"]).drop_duplicates("town_code", keep="last")
    return h, t[["town_code", "town_name", "population"]].reset_index(drop=True)


def flags(h: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Per-hazard facts of §3 as of D for the rows given (not the recurrence; see recurred)."""
    d = pd.Timestamp(as_of)
    rect = h["rectified_date"] <= d
    out = pd.DataFrame({
        "is_rectified": rect,
        "is_closed": h["closed_date"] <= d,
        "is_due": h["deadline"] <= d,
        "is_on_time": (h["deadline"] <= d) & (h["rectified_date"] <= h["deadline"]) & rect,
        "is_overdue": ~rect & (h["deadline"] < d),
        "is_aired": h["notice_no"].notna(),
    }, index=h.index)
    out["overdue_days"] = (d - h["deadline"]).dt.days.where(out["is_overdue"])
    return out


def recurred(cohort: pd.DataFrame, everything: pd.DataFrame, as_of: date) -> pd.Series:
    """Closed cohort hazards whose unit and category were found again within 60 days of closing, by D."""
    d = pd.Timestamp(as_of)
    closed = cohort[(cohort["closed_date"] <= d) & cohort["unit_name"].fillna("").ne("")
                    & cohort["category"].notna()]
    later = everything[everything["unit_name"].fillna("").ne("") & everything["category"].notna()
                       & (everything["found_date"] <= d)]
    left = closed[["hazard_id", "unit_name", "category", "closed_date"]].sort_values("closed_date")
    right = later[["unit_name", "category", "found_date"]].rename(columns={"found_date": "next_found"})
    m = pd.merge_asof(left, right.sort_values("next_found"), left_on="closed_date", right_on="next_found",
                      by=["unit_name", "category"], direction="forward", allow_exact_matches=False)
    hit = m["next_found"] <= m["closed_date"] + pd.Timedelta(days=RECURRENCE_DAYS)
    ids = set(m.loc[hit, "hazard_id"])
    return cohort["hazard_id"].isin(ids)


def ledger(h: pd.DataFrame, towns: pd.DataFrame, start: date, end: date, as_of: date) -> pd.DataFrame:
    """One row per town: found, rectified, closed, due, on_time, overdue, backlog_overdue, recurred, aired."""
    d = pd.Timestamp(as_of)
    in_p = (h["found_date"] >= pd.Timestamp(start)) & (h["found_date"] <= min(pd.Timestamp(end), d))
    cohort = h[in_p]
    f = flags(cohort, as_of)
    f["recurred"] = recurred(cohort, h, as_of)
    f["town_code"] = cohort["town_code"]
    f["found"] = True
    f["aired_closed"] = f["is_aired"] & f["is_closed"]
    by = f.groupby("town_code")
    out = pd.DataFrame({
        "found": by["found"].sum(), "rectified": by["is_rectified"].sum(),
        "closed": by["is_closed"].sum(), "due": by["is_due"].sum(), "on_time": by["is_on_time"].sum(),
        "overdue": by["is_overdue"].sum(), "recurred": by["recurred"].sum(),
        "aired": by["is_aired"].sum(), "aired_closed": by["aired_closed"].sum(),
        "overdue_days_total": by["overdue_days"].sum(),
    })
    known = h[h["found_date"] <= d]
    backlog = (~(known["rectified_date"] <= d) & (known["deadline"] < d)).groupby(known["town_code"]).sum()
    out["backlog_overdue"] = backlog
    out = towns.set_index("town_code")[["town_name", "population"]].join(out).fillna(0)
    counts = ["found", "rectified", "closed", "due", "on_time", "overdue", "recurred", "aired",
              "aired_closed", "backlog_overdue", "overdue_days_total"]
    out[counts] = out[counts].astype("int64")
    out["rectification_rate"] = out["rectified"] / out["found"].replace(0, np.nan)
    out["closure_rate"] = out["closed"] / out["found"].replace(0, np.nan)
    out["on_time_rate"] = out["on_time"] / out["due"].replace(0, np.nan)
    out["recurrence_rate"] = out["recurred"] / out["closed"].replace(0, np.nan)
    return out.reset_index()


def league(h, towns, period, as_of) -> pd.DataFrame:
    """The standings' raw figures: the ledger for the period and for the one before seen at the same age
    (for rank change, like for like)."""
    now = ledger(h, towns, period.start, period.end, as_of)
    prev, then = metrics.like_for_like(period, as_of)
    before = ledger(h, towns, prev.start, prev.end, then)
    now["previous_closure_rate"] = now["town_code"].map(before.set_index("town_code")["closure_rate"])
    return now


def hazard_map(h, towns, start, end, as_of, cap: int, cell: float = 0.005) -> tuple[str, pd.DataFrame]:
    """What the map draws, as board.maps.draw does: the cohort's hazards with coordinates and their status
    as of D, as points when there are at most `cap`, else counted per grid cell and status."""
    d = pd.Timestamp(as_of)
    c = h[(h["found_date"] >= pd.Timestamp(start)) & (h["found_date"] <= min(pd.Timestamp(end), d))
          & h["lon"].notna() & h["lat"].notna()]
    f = flags(c, as_of)
    status = np.select([f["is_closed"], f["is_rectified"], c["deadline"] < d],
                       list(vocab.STATUSES[:3]), vocab.OPEN)
    if len(c) <= cap:
        out = c[["hazard_id", "town_code", "category", "source", "severity", "unit_name", "found_date",
                 "lon", "lat"]].assign(status=status, overdue_days=f["overdue_days"])
        return "points", out.merge(towns[["town_code", "town_name"]], on="town_code", how="left").sort_values(
            "hazard_id")
    cells = pd.DataFrame({"status": status, "cell_x": np.floor(c["lon"] / cell).astype("int64"),
                          "cell_y": np.floor(c["lat"] / cell).astype("int64"), "lon": c["lon"], "lat": c["lat"],
                          "major": c["severity"].eq("重大")})
    out = cells.groupby(["cell_x", "cell_y", "status"]).agg(lon=("lon", "mean"), lat=("lat", "mean"),
                                                           hazards=("lon", "size"), major=("major", "sum"))
    return "cells", out.reset_index()


def overdue_list(h, towns, as_of) -> pd.DataFrame:
    """Every hazard overdue as of D, worst first."""
    d = pd.Timestamp(as_of)
    known = h[h["found_date"] <= d]
    over = known[~(known["rectified_date"] <= d) & (known["deadline"] < d)]
    out = over.assign(overdue_days=(d - over["deadline"]).dt.days)
    out = out.merge(towns[["town_code", "town_name"]], on="town_code", how="left")
    return out.sort_values(["overdue_days", "hazard_id"], ascending=[False, True])
