"""The grid level's benchmark (issue 14): N grid events of the demo district's 1,639 grids, ingested from CSV,
the 网格 page's queries timed warm, and a plain-pandas peer that must give the same counts, in the same run."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from board import db, grids
from board.metrics import parse_period
from board.store import Store
from tools import demo, demo_grids

COUNTED = ("events", "valid_events", "closed", "due", "on_time", "overdue")


def export(out: Path, events: int) -> dict[str, Path]:
    """towns.csv, grids.csv and grid_events.csv (UTF-8, Chinese headers) with about `events` events."""
    out.mkdir(parents=True, exist_ok=True)
    district = demo.generate(hazard_rows=0)
    g = demo_grids.grids_frame(district.towns)
    per = events / (len(g) * demo_grids.MONTHS)
    paths = {"towns": out / "towns.csv", "grids": out / "grids.csv", "grid_events": out / "grid_events.csv"}
    district.towns.to_csv(paths["towns"], index=False, encoding="utf-8-sig")
    g.to_csv(paths["grids"], index=False, encoding="utf-8-sig")
    e = demo_grids.events_frame(g, per_grid_month=per)
    for c in ("上报时间", "办理时限", "办结时间"):  # dates as an export writes them, not timestamps
        e[c] = e[c].dt.strftime("%Y-%m-%d")
    e.to_csv(paths["grid_events"], index=False, encoding="utf-8")
    return paths


def peer_load(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(events, grids): the current rows, one frame each, read once (as st.cache_data would keep them)."""
    state = store.state()
    e = pd.concat([pq.read_table(f).to_pandas() for f in state.files("grid_events")], ignore_index=True)
    e = e.sort_values(["batch_seq", "source_row"]).drop_duplicates("event_id", keep="last")
    for c in ("reported_date", "deadline", "closed_date"):
        e[c] = pd.to_datetime(e[c])
    g = pd.concat([pq.read_table(f).to_pandas() for f in state.files("grids")], ignore_index=True)
    g = g.sort_values(["batch_seq", "source_row"]).drop_duplicates("grid_code", keep="last")
    return e.reset_index(drop=True), g[["grid_code", "town_code"]].reset_index(drop=True)


def peer_counts(e: pd.DataFrame, g: pd.DataFrame, start: date, end: date, as_of: date) -> pd.DataFrame:
    """The grid counts of queries/grid_metrics.sql as boolean masks: one row per grid."""
    d = pd.Timestamp(as_of)
    c = e[(e["reported_date"] >= pd.Timestamp(start)) & (e["reported_date"] <= min(pd.Timestamp(end), d))]
    closed = c["closed_date"] <= d
    f = pd.DataFrame({
        "grid_code": c["grid_code"],
        "events": 1,
        "valid_events": c["valid"].fillna(False).astype(bool),
        "closed": closed,
        "due": c["deadline"] <= d,
        "on_time": (c["deadline"] <= d) & (c["closed_date"] <= c["deadline"]) & closed,
        "overdue": ~closed & (c["deadline"] < d),
    })
    out = f.groupby("grid_code")[list(COUNTED)].sum()
    return out.reindex(g["grid_code"]).fillna(0).astype("int64")


def _timed(fn, runs: int) -> dict:
    fn()  # warm
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return {"median_s": round(float(np.median(ts)), 4), "p95_s": round(float(np.percentile(ts, 95)), 4), "runs": runs}


def run(events: int, work: Path, runs: int = 7, peer_runs: int = 3, peer: bool = True) -> dict:
    from tools.bench import ingest_child, machine

    result = {"grid_events": events, "machine": machine()}
    t = time.perf_counter()
    files = export(work / "grid-exports", events)
    result["generate_s"] = round(time.perf_counter() - t, 2)
    store = Store(work / "grid-store")
    result["ingest"] = {name: ingest_child(store.path, files[name]) for name in ("towns", "grids", "grid_events")}
    rows = sum(1 for _ in open(files["grid_events"], "rb")) - 1
    ing = result["ingest"]["grid_events"]
    result["rows"] = rows
    ing["rows_per_s"] = round(rows / ing["seconds"])

    t = time.perf_counter()
    con = db.connect(store.state(), materialise=True)
    result["connect_s"] = round(time.perf_counter() - t, 2)
    as_of = grids.default_as_of(con)
    month = parse_period(f"{as_of:%Y-%m}")
    previous, before = grids.same_age(month, as_of)
    year = parse_period(f"{as_of:%Y}")
    rule = grids.star_rule()

    def counts_of(p, a):
        return grids.counted(con, p, a)

    page = lambda: (grids.view(counts_of, month, as_of, rule),  # noqa: E731
                    grids.history(counts_of, "330212001001", month, as_of, rule))
    result["board"] = {
        "grid_metrics_month": _timed(lambda: counts_of(month, as_of), runs),
        "grid_metrics_year": _timed(lambda: counts_of(year, as_of), runs),
        "page_all_queries": _timed(page, max(3, runs // 2)),  # view (2 queries) + 12 months' history
    }
    if peer:
        t = time.perf_counter()
        e, g = peer_load(store)
        result["peer_load_s"] = round(time.perf_counter() - t, 2)
        result["peer"] = {
            "grid_metrics_month": _timed(lambda: peer_counts(e, g, month.start, month.end, as_of), peer_runs),
            "grid_metrics_year": _timed(lambda: peer_counts(e, g, year.start, year.end, as_of), peer_runs),
        }
        # the same numbers, or the comparison means nothing
        for p, a in ((month, as_of), (previous, before), (year, as_of)):
            board = counts_of(p, a)
            board = board[board["level"] == "grid"].set_index("grid_code")[list(COUNTED)].astype("int64")
            other = peer_counts(e, g, p.start, p.end, a).reindex(board.index)
            if not board.equals(other):
                raise AssertionError(f"pandas peer differs for {p} as of {a}")
        result["peer_equal"] = True
        result["speedup"] = {k: round(result["peer"][k]["median_s"] / result["board"][k]["median_s"], 1)
                             for k in result["peer"]}
    return result


def text(r: dict) -> str:
    lines = [f"网格事件 {r['rows']:,} 行：导入 {r['ingest']['grid_events']['seconds']} s"
             f"（{r['ingest']['grid_events']['rows_per_s']:,} 行/秒，峰值内存 {r['ingest']['grid_events']['peak_rss_gb']} GB），"
             f"建立连接（物化）{r['connect_s']} s"]
    for k, v in r["board"].items():
        peer = r.get("peer", {}).get(k)
        lines.append(f"  {k}: 看板 中位 {v['median_s']} s，p95 {v['p95_s']} s"
                     + (f"；pandas 中位 {peer['median_s']} s，快 {r['speedup'][k]} 倍" if peer else ""))
    return "\n".join(lines)


def save(r: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-grids-{r['grid_events']}.json"
    path.write_text(json.dumps(r, ensure_ascii=False, indent=1, default=str), "utf-8")
    return path
