"""python -m tools.bench_city --store DIR: how fast the city league is on a city's store (issue 15).

Times, warm (after one run), the city league of districts (city.league: this period and the period compared
with, like for like) and each query it runs, for a month, a quarter and a year; then a district's own board
on a scoped connection (its league of towns). The machine's load is recorded before and after, since the
two cores are shared. Writes JSON beside the other bench results.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

from board import city, db, definitions as defs, metrics
from board.store import Store
from tools.bench import RESULTS, TARGET_P95_S, machine, measure


def run(store_path: Path, runs: int = 7) -> dict:
    store = Store(store_path)
    state = store.state()
    definitions = defs.load(store, state)
    out = {"store": str(store_path), "machine": machine(), "load_before": os.getloadavg(), "runs": runs}
    t = time.perf_counter()
    built = db.built(state) is not None
    con = db.connect(state, materialise=True)
    out["connect_s"] = round(time.perf_counter() - t, 2)
    out["cache_was_built"] = built
    out["hazards"] = con.execute("select count(*) from hazards").fetchone()[0]
    listed = db.run(con, "district_list")
    out["districts"], out["towns"] = len(listed), int(listed["towns"].sum())
    as_of = metrics.default_as_of(con)
    month = metrics.period_of(as_of, "month")
    out["as_of"] = as_of.isoformat()
    timings = {}
    for period in (month, metrics.period_of(as_of, "quarter"), metrics.period_of(as_of, "year"),
                   month.previous()):
        before, then = metrics.like_for_like(period, as_of)
        parts = {
            "city_league": lambda p=period: city.league(con, p, as_of, definitions),
            "ledger_now": lambda p=period: metrics.ledger(con, p, as_of),
            "ledger_compared": lambda b=before, d=then: metrics.ledger(con, b, d),
            "district_list": lambda: db.run(con, "district_list"),
            "indicator_values": lambda p=period: db.run(
                con, "indicator_values", start=p.start, end=p.end, last_start=p.year_earlier().start,
                last_end=p.year_earlier().end),
        }
        timings[period.code] = {name: measure(fn, runs) for name, fn in parts.items()}
    out["queries"] = timings
    first = listed["district_code"].iloc[0]
    t = time.perf_counter()
    scoped = db.connect(state, materialise=True, districts=(first,))
    out["scoped_connect_s"] = round(time.perf_counter() - t, 3)
    out["scoped"] = {"district_code": first,
                     "town_league": measure(lambda: metrics.league(scoped, month, as_of, definitions), runs)}
    out["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)
    out["load_after"] = os.getloadavg()
    out["target_p95_s"] = TARGET_P95_S
    return out


def table(r: dict) -> str:
    lines = [f"{r['hazards']:,} hazards, {r['districts']} districts, {r['towns']} towns; as of {r['as_of']}; "
             f"load {r['load_before'][0]:.2f} → {r['load_after'][0]:.2f}",
             f"{'period':<9} {'query':<18} {'p50 s':>7} {'p95 s':>7}"]
    for period, parts in r["queries"].items():
        for name, m in parts.items():
            lines.append(f"{period:<9} {name:<18} {m['median_s']:>7.3f} {m['p95_s']:>7.3f}")
    s = r["scoped"]["town_league"]
    lines.append(f"{'month':<9} {'district board':<18} {s['median_s']:>7.3f} {s['p95_s']:>7.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.bench_city", description="城市（多区县）排名性能基准")
    p.add_argument("--store", type=Path, required=True, help="城市数据仓库目录（有区县名单）")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--out", type=Path, help="结果 JSON 文件（默认 bench/results/city-<行数>.json）")
    args = p.parse_args(argv)
    r = run(args.store, args.runs)
    out = args.out or RESULTS / f"city-{r['hazards'] // 1_000_000}m.json"
    out.write_text(json.dumps(r, ensure_ascii=False, indent=1), "utf-8")
    print(table(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
