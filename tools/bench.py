"""python -m board bench: generate N hazards, ingest them, time every page's queries against a pandas peer.

The run is one report: ingest speed and peak memory (measured on the real
`python -m board ingest` child process), the app connection's build time and
memory, then median and p95 of warm runs of metrics.league, ledger_metrics and
every query file in queries/ for a month, a quarter and a year, side by side
with the same figures computed by bench/pandas_peer.py (asserted equal).
Results are printed as a table and written as JSON under bench/results/.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import numpy as np

from board import ROOT, db, definitions as defs, maps, metrics
from board.store import Store

RESULTS = ROOT / "bench" / "results"
# Query files that need more than a period and an as-of date (registered tables) are not page queries.
PAGE_PARAMS = {"start", "end", "as_of", "last_start", "last_end", "fast", "limit"}
TARGET_P95_S = 0.3
TARGET_RATIO = 10.0
TARGET_INGEST_ROWS_S = 100_000
TARGET_RSS_GB = 2.0
# Taizhou logs 6.43 million records a year, about 536,000 a month: the ledger arrives as monthly exports
FILE_ROWS = 500_000
# what the peer figures must equal, per town (the list plus the other ledger counts)
COMPARED = ("found", "rectified", "closed", "due", "on_time", "overdue", "recurred", "aired",
            "aired_closed", "backlog_overdue", "overdue_days_total")


def register(sub) -> None:
    sp = sub.add_parser("bench", help="性能基准：生成 N 条隐患，导入并计时各页面查询（对比 pandas 实现）")
    sp.add_argument("--rows", type=int, default=1_000_000, help="隐患台账行数（默认 1000000）")
    sp.add_argument("--out", type=Path, default=RESULTS, help="结果 JSON 目录（默认 bench/results）")
    sp.add_argument("--work", type=Path, help="生成文件和数据仓库的工作目录（默认临时目录，结束后删除）")
    sp.add_argument("--runs", type=int, default=7, help="每个查询的计时次数（预热一次之外）")
    sp.add_argument("--file-rows", type=int, default=FILE_ROWS,
                    help=f"每个隐患导出文件的行数（默认 {FILE_ROWS}，约台州一个月的量）")
    sp.add_argument("--crash-trials", type=int, default=0, help="另做 N 次导入中途强杀（SIGKILL）试验")
    sp.add_argument("--peer-runs", type=int, default=3, help="pandas 对照每项的计时次数（10M 行时每次要数十秒）")
    sp.add_argument("--no-peer", action="store_true", help="不运行 pandas 对照")
    sp.add_argument("--reuse", action="store_true",
                    help="工作目录中已有同样行数的数据仓库时，跳过生成和导入，只计时查询（沿用上次的导入数字）")
    sp.add_argument("--grid-events", type=int, metavar="N",
                    help="只测网格层：生成 N 条网格事件（CSV），导入并计时网格页查询（对比 pandas 实现）")
    sp.set_defaults(func=cmd_bench)


def cmd_bench(args) -> int:
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="board-bench-"))
    if args.grid_events:
        from tools import bench_grids
        try:
            r = bench_grids.run(args.grid_events, work, runs=args.runs, peer_runs=args.peer_runs,
                                peer=not args.no_peer)
        finally:
            if not args.work:
                shutil.rmtree(work, ignore_errors=True)
        print(bench_grids.text(r))
        print(f"\n结果已写入 {bench_grids.save(r, args.out)}")
        return 0
    try:
        result = run(args.rows, work, runs=args.runs, peer=not args.no_peer, file_rows=args.file_rows,
                     reuse=args.reuse, peer_runs=args.peer_runs)
        if args.crash_trials:
            from tools import crash
            result["crash"] = crash.trials(work / "crash", args.crash_trials)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench-{_size(args.rows)}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), "utf-8")
    print(table(result))
    print(f"\n结果已写入 {path}")
    return 0


def run(rows: int, work: Path, *, runs: int = 7, peer: bool = True, file_rows: int = FILE_ROWS,
        reuse: bool = False, peer_runs: int = 3) -> dict:
    """The whole benchmark for a ledger of `rows` hazards, in `work`; returns the result document."""
    work.mkdir(parents=True, exist_ok=True)
    result = {"rows": rows, "time": datetime.now().isoformat(timespec="seconds"), "machine": machine()}
    saved = work / "ingest.json"
    if reuse and saved.exists():
        result.update(json.loads(saved.read_text("utf-8")))
        result["reused_store"] = True
    else:
        result.update(generate_and_ingest(rows, work, file_rows))
        saved.write_text(json.dumps({k: result[k] for k in ("generate_s", "ingest")}), "utf-8")
    return measure_queries(result, Store(work / "store"), runs, peer, peer_runs)


def generate_and_ingest(rows: int, work: Path, file_rows: int) -> dict:
    """Write the exports (in a child process) and ingest them one CLI process each."""
    result = {}
    t = time.perf_counter()
    # in a child process, so that the generator's memory does not count against the app's
    code = f"from pathlib import Path; from tools.bench import export; export(Path({str(work / 'exports')!r}), {rows}, {file_rows})"
    subprocess.run([sys.executable, "-c", code], cwd=str(ROOT), check=True)
    files = {"towns": work / "exports" / "towns.csv", "inspections": work / "exports" / "inspections.parquet",
             "indicators": work / "exports" / "indicators.csv",
             "hazards": sorted((work / "exports").glob("hazards-*.csv"))}
    result["generate_s"] = round(time.perf_counter() - t, 2)
    store = Store(work / "store")
    if store.path.exists():
        shutil.rmtree(store.path)
    result["ingest"] = {name: ingest_child(store.path, files[name]) for name in ("towns", "inspections", "indicators")}
    parts = [ingest_child(store.path, f) for f in files["hazards"]]
    seconds = sum(p["seconds"] for p in parts)
    result["ingest"]["hazards"] = {
        "files": len(parts), "rows_per_file": file_rows, "bytes": sum(p["bytes"] for p in parts),
        "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds) if seconds else None,
        "peak_rss_gb": max(p["peak_rss_gb"] for p in parts),
        "first_file_s": parts[0]["seconds"], "last_file_s": parts[-1]["seconds"]}
    return result


def measure_queries(result: dict, store: Store, runs: int, peer: bool, peer_runs: int = 3) -> dict:
    """App connection build, every page query per period, and the pandas peer beside them."""
    from tools import pandas_peer

    state = store.state()
    rss0 = _rss()
    shutil.rmtree(db.cache_folder(store.path), ignore_errors=True)
    t = time.perf_counter()
    con = db.connect(state, materialise=True)
    result["app"] = {"connect_cold_s": round(time.perf_counter() - t, 2)}
    result["app"]["connection_rss_gb"] = round((_rss() - rss0) / 1e9, 3)
    con.close()
    # what every later app process (and every rerun after a restart) pays: attach the version's cache file
    t = time.perf_counter()
    con = db.connect(state, materialise=True)
    result["app"]["connect_s"] = round(time.perf_counter() - t, 2)
    result["app"]["cache_file_gb"] = round(sum(f.stat().st_size for f in (db.cache_folder(store.path)).glob("*.duckdb"))
                                           / 1e9, 3)
    as_of = metrics.default_as_of(con)
    definitions = defs.load(store, state)
    result["as_of"] = as_of.isoformat()
    periods = {"month": metrics.period_of(as_of, "month"), "quarter": metrics.period_of(as_of, "quarter"),
               "year": metrics.period_of(as_of, "year")}
    result["periods"] = {k: p.code for k, p in periods.items()}
    names = page_queries()
    result["queries"] = names

    if peer:
        t = time.perf_counter()
        frame, towns = pandas_peer.load(state)
        result["peer_load_s"] = round(time.perf_counter() - t, 2)

    timings = {}
    for kind, p in periods.items():
        params = {"start": p.start, "end": p.end, "as_of": as_of, "last_start": p.year_earlier().start,
                  "last_end": p.year_earlier().end, "fast": metrics.rollup_applies(con, as_of),
                  "limit": None}  # lists in full, as the notice and the downloads ask for them
        ops = {"metrics.league": lambda p=p: metrics.league(con, p, as_of, definitions),
               # what the map page runs: the tally, then points or grid cells (board/maps.py)
               "map": lambda p=p: _map(con, p, as_of),
               # what 整改进度 runs for its backlog chart: twelve month ends in one query
               "backlog_trend": lambda p=p: db.run(con, "backlog_days", days=month_ends(p, as_of)),
               # the same figures counted from the hazards, as for any other as-of date (the slow path)
               "ledger_metrics (counted)": lambda p=p: db.run(con, "ledger_metrics", start=p.start, end=p.end,
                                                              as_of=as_of, fast=False)}
        for name in names:
            wanted = db.parameters(name)
            ops[name] = lambda name=name, wanted=wanted: db.run(
                con, name, **{k: v for k, v in params.items() if k in wanted})
        peers = {}
        if peer:
            peers = {
                "metrics.league": lambda p=p: pandas_peer.league(frame, towns, p, as_of),
                "ledger_metrics": lambda p=p: pandas_peer.ledger(frame, towns, p.start, p.end, as_of),
                "map": lambda p=p: pandas_peer.hazard_map(frame, towns, p.start, p.end, as_of, maps.MAP_POINTS),
                "overdue_list": lambda: pandas_peer.overdue_list(frame, towns, as_of),
            }
            check_equal(metrics.ledger(con, p, as_of), pandas_peer.ledger(frame, towns, p.start, p.end, as_of))
            check_map_equal(ops["map"](), peers["map"]())
        for op, fn in ops.items():
            entry = {"board": measure(fn, runs)}
            if op in peers:
                # no warm-up: the peer's frame is already in memory, every rerun filters it again
                entry["pandas"] = measure(peers[op], peer_runs, warm=False)
                entry["ratio"] = round(entry["pandas"]["median_s"] / max(entry["board"]["median_s"], 1e-6), 1)
            timings.setdefault(op, {})[kind] = entry
    result["timings"] = timings
    result["app"]["bench_process_rss_gb"] = round(_rss() / 1e9, 3)  # includes the pandas peer's frame
    result["app"]["rss_after_queries_gb"] = app_child_rss(store.path)
    result["peer_equal"] = peer
    result["targets"] = targets(result)
    con.close()
    return result


def app_probe(store_path: str) -> None:
    """What one app process does: attach the version's cache, run the league and every page query once per period."""
    store = Store(store_path)
    state = store.state()
    con = db.connect(state, materialise=True)
    as_of = metrics.default_as_of(con)
    definitions = defs.load(store, state)
    for kind in ("month", "quarter", "year"):
        p = metrics.period_of(as_of, kind)
        metrics.league(con, p, as_of, definitions)
        params = {"start": p.start, "end": p.end, "as_of": as_of, "last_start": p.year_earlier().start,
                  "last_end": p.year_earlier().end, "fast": metrics.rollup_applies(con, as_of),
                  "limit": None}  # lists in full, as the notice and the downloads ask for them
        for name in page_queries():
            db.run(con, name, **{k: v for k, v in params.items() if k in db.parameters(name)})
        _map(con, p, as_of)


def _map(con, p: metrics.Period, as_of: date):
    """What the map page runs (ui/data.map_hazards): the tally, then points or grid cells, from the map's
    rollups when they apply (board/maps.py)."""
    run = lambda name, **kw: db.run(con, name, **kw)  # noqa: E731
    now = metrics.rollup_applies(con, as_of, p)
    return maps.draw(run, maps.tally(run, p.start, p.end, as_of, now), p.start, p.end, as_of, now=now)


def app_child_rss(store_path: Path) -> float:
    """Peak RSS (GB) of a fresh process running app_probe: the app's memory, without the bench's own."""
    code = f"from tools.bench import app_probe; app_probe({str(store_path)!r})"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=str(ROOT))
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("the app probe failed")
    return round(usage.ru_maxrss * 1024 / 1e9, 3)


def export(out: Path, rows: int, file_rows: int = FILE_ROWS) -> None:
    """The demo district with `rows` hazards: hazards as CSV exports of `file_rows` rows, oldest first."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from tools import demo

    out.mkdir(parents=True, exist_ok=True)
    d = demo.generate(hazard_rows=rows)
    paths = {"towns": out / "towns.csv", "inspections": out / "inspections.parquet",
             "indicators": out / "indicators.csv"}
    d.towns.to_csv(paths["towns"], index=False, encoding="utf-8-sig")
    hz = pa.Table.from_pandas(d.hazards, preserve_index=False)
    del d.hazards
    # dates as a grid platform writes them (2024-03-05), not as timestamps
    hz = pa.table({n: (c.cast(pa.date32()) if pa.types.is_timestamp(c.type) else c)
                   for n, c in zip(hz.column_names, hz.columns)})
    for i, start in enumerate(range(0, hz.num_rows, file_rows)):
        pacsv.write_csv(hz.slice(start, file_rows), out / f"hazards-{i + 1:03d}.csv")
    del hz
    d.inspections.to_parquet(paths["inspections"], index=False)
    d.indicators.to_csv(paths["indicators"], index=False)


def ingest_child(store: Path, file: Path) -> dict:
    """`python -m board ingest FILE` in a child process: wall time and the child's own peak RSS."""
    cmd = [sys.executable, "-m", "board", "ingest", str(file), "--store", str(store), "--user", "bench"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"ingest of {file.name} failed:\n{out.decode(errors='replace')[-3000:]}")
    return {"file": file.name, "bytes": file.stat().st_size, "seconds": round(seconds, 2),
            "peak_rss_gb": round(usage.ru_maxrss * 1024 / 1e9, 3)}


def page_queries() -> list[str]:
    """Every query file a page can run with a period and an as-of date, by name."""
    names = []
    for f in sorted((ROOT / "queries").glob("*.sql")):
        # existing_* are the ingest's key checks over an upload it registers, not page queries
        if db.parameters(f.stem) <= PAGE_PARAMS and not f.stem.startswith("existing_"):
            names.append(f.stem)
    return names


def measure(fn, runs: int, warm: bool = True) -> dict:
    """One warm-up run, then `runs` timed runs: median and p95 in seconds."""
    if warm:
        fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return {"median_s": round(float(np.median(ts)), 4), "p95_s": round(float(np.percentile(ts, 95)), 4),
            "runs": runs}


def check_equal(board, peer) -> None:
    """The peer's per-town counts must equal the board's (AssertionError naming the first difference)."""
    b = board[~board["is_district"]].set_index("town_code")
    p = peer.set_index("town_code").reindex(b.index)
    for c in COMPARED:
        left, right = b[c].astype("int64"), p[c].astype("int64")
        if not left.equals(right):
            diff = left[left != right]
            raise AssertionError(f"pandas peer differs on {c}: board {diff.to_dict()} vs peer "
                                 f"{right[diff.index].to_dict()}")


def month_ends(period: metrics.Period, as_of: date, n: int = 12) -> list[date]:
    """The ends of the n months up to the period's last (the last one capped at as_of), as data.backlog_trend."""
    end = min(period.end, as_of)
    last = metrics.period_of(end, "month")
    return [min(last.shift(-k).end, end) for k in range(n - 1, -1, -1)]


def check_map_equal(board: tuple[str, object], peer: tuple[str, object]) -> None:
    """The map's points (by id and status) or cells (count per cell and status) must equal the peer's."""
    (kind, b), (peer_kind, p) = board, peer
    if kind != peer_kind:
        raise AssertionError(f"map: board draws {kind}, pandas peer {peer_kind}")
    key = ["hazard_id", "status"] if kind == "points" else ["cell_x", "cell_y", "status", "hazards", "major"]
    left = b[key].sort_values(key).reset_index(drop=True).astype(str)
    right = p[key].sort_values(key).reset_index(drop=True).astype(str)
    if not left.equals(right):
        raise AssertionError(f"map {kind} differ: board {len(left)} rows, pandas peer {len(right)} rows")


def targets(r: dict) -> dict:
    worst = max(e["board"]["p95_s"] for op in r["timings"].values() for e in op.values())
    ratios = [e["ratio"] for op in r["timings"].values() for e in op.values() if "ratio" in e]
    ing = r["ingest"]["hazards"]
    return {
        "worst_p95_s": worst, "p95_ok": worst <= TARGET_P95_S,
        "min_ratio": min(ratios) if ratios else None,
        "ratio_ok": bool(ratios) and min(ratios) >= TARGET_RATIO,
        "ingest_rows_per_s": ing["rows_per_s"], "ingest_ok": (ing["rows_per_s"] or 0) >= TARGET_INGEST_ROWS_S,
        "ingest_peak_rss_gb": ing["peak_rss_gb"], "app_rss_gb": r["app"]["rss_after_queries_gb"],
        "rss_ok": max(ing["peak_rss_gb"], r["app"]["rss_after_queries_gb"]) <= TARGET_RSS_GB,
    }


def table(r: dict) -> str:
    """The result as a plain-text table for the terminal and the closing note."""
    m = r["machine"]
    ing = r["ingest"]["hazards"]
    r.setdefault("generate_s", None)
    lines = [f"平安晾晒台 bench · {r['rows']:,} hazards · {m['cores']} cores · {m['memory_gb']} GB · "
             f"duckdb {m['duckdb']} · pandas {m['pandas']}",
             f"generate {r['generate_s']} s · CSV ingest {ing['seconds']} s = {ing['rows_per_s']:,} rows/s, "
             f"peak RSS {ing['peak_rss_gb']} GB · app connect cold {r['app']['connect_cold_s']} s / cached "
             f"{r['app']['connect_s']} s, "
             f"app RSS {r['app']['rss_after_queries_gb']} GB",
             f"periods {r['periods']} · as of {r['as_of']}", ""]
    kinds = list(r["periods"])
    head = f"{'query':<22}" + "".join(f"{k + ' med/p95 s':>22}{'pandas':>9}{'×':>7}" for k in kinds)
    lines += [head, "-" * len(head)]
    for op, per in r["timings"].items():
        row = f"{op:<22}"
        for k in kinds:
            e = per[k]
            row += f"{e['board']['median_s']:>13.4f}/{e['board']['p95_s']:<8.4f}"
            row += (f"{e['pandas']['median_s']:>9.3f}{e['ratio']:>7.1f}" if "pandas" in e else f"{'':>9}{'':>7}")
        lines.append(row)
    t = r["targets"]
    lines += ["", f"targets: worst p95 {t['worst_p95_s']} s (≤ {TARGET_P95_S}: {t['p95_ok']}); "
                  f"min ratio {t['min_ratio']}× (≥ {TARGET_RATIO}: {t['ratio_ok']}); "
                  f"ingest {t['ingest_rows_per_s']:,} rows/s (≥ {TARGET_INGEST_ROWS_S:,}: {t['ingest_ok']}); "
                  f"RSS ingest {t['ingest_peak_rss_gb']} / app {t['app_rss_gb']} GB (≤ {TARGET_RSS_GB}: {t['rss_ok']})"]
    if "crash" in r:
        c = r["crash"]
        lines.append(f"crash: {c['trials']} SIGKILLs during ingest, old {c['old']} / new {c['new']}, "
                     f"bad {c['bad']}")
    return "\n".join(lines)


def machine() -> dict:
    import duckdb
    import pandas as pd
    import psutil

    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cores": os.cpu_count(), "cpu": cpu or platform.processor(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "load_avg": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pd.__version__}


def _rss() -> int:
    import psutil
    return psutil.Process().memory_info().rss


def _size(rows: int) -> str:
    return f"{rows // 1_000_000}m" if rows % 1_000_000 == 0 else f"{rows // 1000}k" if rows % 1000 == 0 else str(rows)
