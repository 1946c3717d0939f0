"""Spark local[2] against DuckDB building a province's derived tables, in one run: time and peak RSS of each
build, then the board's page queries over each engine's tables.

    python -m tools.spark_bench --rows 10000000 --work /srv/sparkbench [--reuse] [--spark-memory 6g]

The province: districts of the demo generator (tools/demo.py, one seed each, 1M hazards by default) with their
own town codes, hazard ids and unit names, written straight into a store as one Parquet batch per district
(the ingest is tools/bench.py's to measure; here the build is). Results go to bench/results/spark-<size>.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from board import ROOT
from board.schema import arrow_schema
from board.store import Store

PER_DISTRICT = 1_000_000
SEED = 330000
RESULTS = ROOT / "bench" / "results"


# -- the province -------------------------------------------------------------------------------------------

def generate(store_path: Path, rows: int, per_district: int = PER_DISTRICT) -> dict:
    """Write `rows` hazards over ceil(rows / per_district) demo districts into a fresh store."""
    from tools import demo

    store = Store(store_path)
    towns_all, inspections_all = [], []
    districts = max(1, math.ceil(rows / per_district))
    t = time.perf_counter()
    for k in range(districts):
        n = min(per_district, rows - k * per_district)
        d = demo.generate(seed=SEED + k, hazard_rows=n)
        prefix = f"33{k + 1:04d}"
        towns = d.towns
        codes = pd.Series(towns["镇街代码"].astype(str).str.replace(demo.CODE_PREFIX, prefix, n=1).to_numpy())
        lookup = {}
        for code, name, aliases, new in zip(towns["镇街代码"], towns["镇街名称"], towns["别名"], codes):
            lookup.update({code: new, name: new, **{a: new for a in str(aliases).split("、") if a}})
        towns_all.append(pd.DataFrame({
            "town_code": codes, "town_name": f"{k + 1}区" + towns["镇街名称"].astype(str),
            "town_type": towns["类型"].astype(str), "population": towns["常住人口"].astype("int64"),
            "area_km2": towns["面积(平方公里)"].astype(float), "grid_count": towns["网格数"].astype("int64"),
            "lon": towns["经度"].astype(float), "lat": towns["纬度"].astype(float),
            "aliases": pd.Series([None] * len(towns), dtype=object)}))
        insp = d.inspections
        inspections_all.append(pd.DataFrame({
            "inspection_id": f"{prefix}-" + insp["检查编号"].astype(str),
            "date": pd.to_datetime(insp["检查日期"]).dt.date,
            "town_code": insp["所属镇街"].astype(str).map(lookup),
            "inspector_type": insp["检查类型"].astype(str), "unit_name": insp["被检查单位"].astype(str),
            "points_checked": insp["检查点位数"].astype("Int64"), "hazards_found": insp["发现隐患数"].astype("Int64")}))
        hz = pa.Table.from_pandas(d.hazards, preserve_index=False)
        del d
        store.commit("hazards", _hazards(hz, prefix, lookup), f"province-{prefix}.parquet",
                     f"generated district {prefix}, {n} hazards, seed {SEED + k}".encode(), "bench")
        del hz
        print(f"district {k + 1}/{districts}: {n:,} hazards ({time.perf_counter() - t:.0f} s)", flush=True)
    store.commit("towns", _table("towns", pd.concat(towns_all)), "province-towns.csv", b"towns", "bench")
    store.commit("inspections", _table("inspections", pd.concat(inspections_all)), "province-inspections.csv",
                 b"inspections", "bench")
    return {"districts": districts, "per_district": per_district, "generate_s": round(time.perf_counter() - t, 1)}


def _date(col) -> pa.Array:
    return pc.cast(col, pa.timestamp("ms")).cast(pa.date32()) if not pa.types.is_date(col.type) else col


def _hazards(hz: pa.Table, prefix: str, lookup: dict) -> pa.Table:
    """The demo's export columns (Chinese headers) as the stored batch schema, ids and units made the district's."""
    c = {name: hz.column(name).combine_chunks() for name in hz.column_names}
    towns = pd.Series(c["所属镇街"].to_pandas(types_mapper=None)).map(lookup)
    cols = {
        "hazard_id": pc.binary_join_element_wise(prefix, pc.cast(c["隐患编号"], pa.string()), "-"),
        "town_code": pa.array(towns.to_numpy(dtype=object), pa.string()),
        "category": c["隐患类别"], "source": c["发现渠道"], "severity": c["隐患等级"], "description": c["问题描述"],
        "unit_name": pc.binary_join_element_wise(prefix, pc.cast(c["责任主体"], pa.string()), "·"),
        "address": c["详细地址"], "lon": c["经度"], "lat": c["纬度"], "department": c["责任部门"],
        "leader": c["包案领导"], "found_date": _date(c["发现日期"]), "deadline": _date(c["整改期限"]),
        "rectified_date": _date(c["整改完成日期"]), "closed_date": _date(c["销号日期"]),
        "escalation": pc.cast(c["督办层级"], pa.int64()), "enforcement": c["执法结果"],
        "notice_no": pc.cast(c["晾晒期号"], pa.int64()),
        "source_row": pa.array(np.arange(2, hz.num_rows + 2, dtype=np.int64)),
    }
    schema = arrow_schema("hazards")
    schema = schema.remove(schema.get_field_index("batch_seq"))
    return pa.table({f.name: pc.cast(cols[f.name], f.type) for f in schema}, schema=schema)


def _table(dataset: str, frame: pd.DataFrame) -> pa.Table:
    schema = arrow_schema(dataset)
    schema = schema.remove(schema.get_field_index("batch_seq"))
    frame = frame.reset_index(drop=True)
    frame["source_row"] = np.arange(2, len(frame) + 2, dtype=np.int64)
    return pa.Table.from_pandas(frame[[f.name for f in schema]], schema=schema, preserve_index=False)


# -- the measurements ---------------------------------------------------------------------------------------

def tree_peak(cmd: list[str], env: dict | None = None) -> dict:
    """Run cmd; wall time and the peak of the summed RSS of it and every descendant (Spark's JVM included)."""
    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak, done = 0, threading.Event()

    def sample():
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                peak = max(peak, total)
            except psutil.Error:
                pass
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read()
    proc.wait()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.decode(errors='replace')[-4000:]}")
    return {"seconds": round(seconds, 1), "peak_rss_gb": round(peak / 1e9, 2), "output": out.decode()}


def queries_child(store_path: str, runs: int) -> dict:
    """In a fresh process: open the built tables as the app does, time every page query for a month and a year."""
    from board import db, definitions as defs, maps, metrics
    from tools.bench import measure, month_ends, page_queries, _rss

    store = Store(store_path)
    state = store.state()
    t = time.perf_counter()
    con = db.connect(state, materialise=True)
    out = {"connect_s": round(time.perf_counter() - t, 2),
           "engine": "spark" if db.spark_tables(state).is_dir() else "duckdb"}
    as_of = metrics.default_as_of(con)
    definitions = defs.load(store, state)
    out["as_of"] = as_of.isoformat()
    timings = {}
    for kind in ("month", "year"):
        p = metrics.period_of(as_of, kind)
        params = {"start": p.start, "end": p.end, "as_of": as_of, "last_start": p.year_earlier().start,
                  "last_end": p.year_earlier().end, "fast": metrics.rollup_applies(con, as_of), "limit": 1000}
        ops = {"metrics.league": lambda p=p: metrics.league(con, p, as_of, definitions),
               "map": lambda p=p: maps.draw(lambda name, **kw: db.run(con, name, **kw),
                                            db.run(con, "hazard_tally", start=p.start, end=p.end, as_of=as_of),
                                            p.start, p.end, as_of),
               "backlog_trend": lambda p=p: db.run(con, "backlog_days", days=month_ends(p, as_of))}
        for name in page_queries():
            wanted = db.parameters(name)
            ops[name] = lambda name=name, wanted=wanted: db.run(
                con, name, **{k: v for k, v in params.items() if k in wanted})
        for op, fn in ops.items():
            timings.setdefault(op, {})[kind] = measure(fn, runs)
    out["timings"] = timings
    out["league_year"] = metrics.board_metrics(con, metrics.period_of(as_of, "year"), None, definitions)["district"]
    out["rss_gb"] = round(_rss() / 1e9, 2)
    return out


def run(rows: int, work: Path, *, reuse: bool, runs: int, spark_memory: str, per_district: int) -> dict:
    from board import db
    from tools.bench import machine

    store_path = work / "store"
    result = {"rows": rows, "machine": machine(), "load_before": os.getloadavg()}
    env = dict(os.environ, BOARD_CACHE=str(work / "cache"), BOARD_SPARK_MEMORY=spark_memory,
               BOARD_DUCKDB_BUILD_MEMORY=os.environ.get("BOARD_DUCKDB_BUILD_MEMORY", ""))
    if not (reuse and (store_path / "manifest.json").exists()):
        shutil.rmtree(store_path, ignore_errors=True)
        code = f"from pathlib import Path; from tools.spark_bench import generate; print(generate(Path({str(store_path)!r}), {rows}, {per_district}))"
        result["generate"] = _short(tree_peak([sys.executable, "-c", code], env))
    shutil.rmtree(work / "cache", ignore_errors=True)
    result["store_gb"] = round(sum(f.stat().st_size for f in (store_path / "batches").glob("*.parquet")) / 1e9, 2)
    py = [sys.executable, "-m", "board"]
    result["load_duckdb"] = os.getloadavg()
    result["duckdb_build"] = _short(tree_peak(py + ["build", "--engine", "duckdb", "--store", str(store_path)], env))
    result["duckdb_queries"] = _child_queries(store_path, runs, env)
    result["load_spark"] = os.getloadavg()
    result["spark_build"] = _short(tree_peak(py + ["build", "--engine", "spark", "--store", str(store_path)], env))
    result["spark_queries"] = _child_queries(store_path, runs, env)
    result["same_year_figures"] = result["duckdb_queries"]["league_year"] == result["spark_queries"]["league_year"]
    result["load_after"] = os.getloadavg()
    folder = Path(env["BOARD_CACHE"]) / "pingan-board-cache"
    result["spark_tables_gb"] = round(sum(f.stat().st_size for f in folder.rglob("*.parquet")) / 1e9, 2)
    result["duckdb_file_gb"] = round(sum(f.stat().st_size for f in folder.rglob("*.duckdb")) / 1e9, 2)
    return result


def queries_only(work: Path, runs: int) -> dict:
    """Both engines' page queries again, back to back, over the tables an earlier run built (the Spark folder
    set aside while DuckDB's are timed, since connect prefers it)."""
    env = dict(os.environ, BOARD_CACHE=str(work / "cache"))
    store_path = work / "store"
    folder = next((work / "cache" / "pingan-board-cache").glob("*/v*.spark"))
    aside = folder.with_name(folder.name + ".aside")
    result = {"load_duckdb": os.getloadavg()}
    folder.rename(aside)
    try:
        result["duckdb_queries"] = _child_queries(store_path, runs, env)
    finally:
        aside.rename(folder)
    result["load_spark"] = os.getloadavg()
    result["spark_queries"] = _child_queries(store_path, runs, env)
    result["load_after"] = os.getloadavg()
    return result


def _short(m: dict) -> dict:
    return {**m, "output": m["output"][-300:]}


def _child_queries(store_path: Path, runs: int, env: dict) -> dict:
    code = (f"import json; from tools.spark_bench import queries_child; "
            f"print('RESULT' + json.dumps(queries_child({str(store_path)!r}, {runs}), default=str))")
    m = tree_peak([sys.executable, "-c", code], env)
    line = next(ln for ln in m["output"].splitlines()[::-1] if ln.startswith("RESULT")) if "RESULT" in m["output"] else None
    return {**json.loads(line[6:]), "process_s": m["seconds"], "peak_rss_gb": m["peak_rss_gb"]} if line else m


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.spark_bench")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--per-district", type=int, default=PER_DISTRICT)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "tmp" / "spark")
    ap.add_argument("--reuse", action="store_true", help="keep the generated store of an earlier run")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--spark-memory", default="4g")
    ap.add_argument("--queries-only", action="store_true", help="time both engines' page queries again")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.queries_only:
        out = RESULTS / f"spark-queries-{args.rows // 1_000_000}m.json"
        out.write_text(json.dumps(queries_only(args.work, args.runs), indent=1, default=str), "utf-8")
        print(f"→ {out.relative_to(ROOT)}")
        return 0
    result = run(args.rows, args.work, reuse=args.reuse, runs=args.runs, spark_memory=args.spark_memory,
                 per_district=args.per_district)
    RESULTS.mkdir(parents=True, exist_ok=True)
    size = f"{args.rows // 1_000_000}m" if args.rows >= 1_000_000 else f"{args.rows // 1000}k"
    out = RESULTS / f"spark-{size}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), "utf-8")
    print(json.dumps({k: result[k] for k in ("rows", "duckdb_build", "spark_build", "same_year_figures")},
                     default=str, indent=1))
    print(f"→ {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
