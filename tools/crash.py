"""Crash safety of the whole ingest: SIGKILL `python -m board ingest` at random points, and readers during ingest.

trials(): each trial copies a small store (the old state), starts a real CLI
ingest of a second hazards export (the new state), kills it with SIGKILL at a
random moment, then checks that the store is exactly old or new, that the app
opens it (db.connect + metrics.league), and that the next ingest of the same
file works without anyone cleaning up by hand.

readers_during_ingest(): reader processes run metrics.league in a loop on one
store while an ingest commits; every read must see one whole version.

python -m tools.crash reader STORE STOPFILE OUT   (one reader process, used by readers_during_ingest)
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: python tools/crash.py
    sys.path.insert(0, str(ROOT))

from board import db, definitions as defs, metrics  # noqa: E402
from board.ingest import ingest_path  # noqa: E402
from board.store import Store  # noqa: E402

OLD_ROWS = 2000
NEW_ROWS = 3000  # the second export: 500 of the old ids again (updates) and 2,500 new ones
OVERLAP = 500


def make_base(work: Path) -> dict:
    """A store with towns and a first hazards export, and a second export to ingest over it."""
    from tools import demo

    if (work / "case.json").exists():
        return json.loads((work / "case.json").read_text())
    work.mkdir(parents=True, exist_ok=True)
    d = demo.generate(hazard_rows=OLD_ROWS + NEW_ROWS - OVERLAP)
    d.towns.to_csv(work / "towns.csv", index=False, encoding="utf-8-sig")
    d.hazards.iloc[:OLD_ROWS].to_csv(work / "hazards-old.csv", index=False)
    d.hazards.iloc[OLD_ROWS - OVERLAP:].to_csv(work / "hazards-new.csv", index=False)
    base = Store(work / "base")
    for f in ("towns.csv", "hazards-old.csv"):
        report = ingest_path(base, work / f, user="crash")
        if not report.committed:
            raise RuntimeError(report.text())
    case = {"base": str(base.path), "new_csv": str(work / "hazards-new.csv"), "old_seq": base.version(),
            "old_total": OLD_ROWS, "new_total": OLD_ROWS + NEW_ROWS - OVERLAP}
    (work / "case.json").write_text(json.dumps(case))
    return case


def ingest_cmd(store: Path, csv: str) -> list[str]:
    return [sys.executable, "-m", "board", "ingest", csv, "--store", str(store), "--user", "crash"]


def full_duration(case: dict, work: Path) -> float:
    """Seconds a complete CLI ingest of the new export takes (the window kills are drawn from)."""
    store = work / "timing"
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(case["base"], store)
    t = time.perf_counter()
    subprocess.run(ingest_cmd(store, case["new_csv"]), cwd=str(ROOT), check=True, capture_output=True)
    return time.perf_counter() - t


def observe(store_path: Path) -> tuple[int, int]:
    """(manifest seq, hazards the app sees) through the app's own path: db.connect and metrics.league."""
    store = Store(store_path)
    state = store.state()
    con = db.connect(state)
    try:
        n = int(con.execute("select count(*) from hazards").fetchone()[0])
        as_of = metrics.default_as_of(con)
        if as_of is not None:
            towns, _, district = metrics.league(con, metrics.period_of(as_of, "year"), as_of,
                                                defs.load(store, state))
            if int(towns["found"].sum()) != int(district["found"]):
                raise AssertionError("town rows do not add up to the district")
    finally:
        con.close()
    return state.seq, n


def leftovers(store_path: Path) -> list[str]:
    """Files in the store that its manifest does not name (what a writer's sweep must remove)."""
    m = json.loads((store_path / "manifest.json").read_text("utf-8"))
    named = {e.get(k) for e in m["events"] for k in ("archive", "parquet", "path")}
    out = []
    for f in store_path.rglob("*"):
        rel = f.relative_to(store_path).as_posix()
        if f.is_file() and (rel.endswith(".tmp") or rel.split("/")[0] in ("archive", "batches")
                            and rel not in named):
            out.append(rel)
    return out


def one_trial(case: dict, store: Path, kill_after: float | None, rng: random.Random) -> dict:
    """Kill one CLI ingest; kill_after=None kills at a random moment after it starts writing files."""
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(case["base"], store)
    proc = subprocess.Popen(ingest_cmd(store, case["new_csv"]), cwd=str(ROOT),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.perf_counter()
    if kill_after is None:
        # wait for the first temporary file (the write phase), then kill within the next few ms
        while proc.poll() is None and not any(store.rglob(".*.tmp")):
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.15))
    else:
        time.sleep(kill_after)
    killed_at = time.perf_counter() - t0
    finished = proc.poll() is not None
    if not finished:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    seq, n = observe(store)
    if (seq, n) == (case["old_seq"], case["old_total"]):
        outcome = "old"
    elif seq > case["old_seq"] and n == case["new_total"]:
        outcome = "new"
    else:
        outcome = "bad"
    left_before = leftovers(store)
    # nobody cleans up: the next ingest of the same file must simply work (commit, or say it is already in)
    report = ingest_path(Store(store), case["new_csv"], user="crash")
    seq2, n2 = observe(store)
    recovered = report.ok and n2 == case["new_total"] and not leftovers(store)
    if not recovered:
        outcome = "bad"
    return {"outcome": outcome, "killed_at_s": round(killed_at, 3), "finished_before_kill": finished,
            "seq": seq, "hazards": n, "leftovers_before_next_write": len(left_before), "recovered": recovered}


def trials(work: Path, n: int, seed: int = 6, workers: int = 2) -> dict:
    """n SIGKILL trials; a third at a uniform moment of the whole run, the rest inside the write phase."""
    from concurrent.futures import ThreadPoolExecutor

    work = Path(work)
    case = make_base(work)
    full = full_duration(case, work)
    plan = []
    rng = random.Random(seed)
    for i in range(n):
        plan.append((i, rng.uniform(0, full) if i % 3 == 0 else None, random.Random(seed * 1000 + i)))
    t = time.perf_counter()
    # two trials at a time: each is mostly a child process starting up, and the machine has two cores
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda p: one_trial(case, work / f"trial-{p[0] % workers}-{p[0]}", p[1], p[2]),
                                plan))
    for i in range(n):
        shutil.rmtree(work / f"trial-{i % workers}-{i}", ignore_errors=True)
    out = {"trials": n, "full_ingest_s": round(full, 2), "seconds": round(time.perf_counter() - t, 1)}
    for k in ("old", "new", "bad"):
        out[k] = sum(r["outcome"] == k for r in results)
    out["with_leftovers"] = sum(r["leftovers_before_next_write"] > 0 for r in results)
    out["details"] = results
    return out


def readers_during_ingest(work: Path, readers: int = 2, ingests: int = 3) -> dict:
    """Reader processes loop over metrics.league while `ingests` CLI ingests commit; every read is one version."""
    work = Path(work)
    case = make_base(work)
    store = work / "shared"
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(case["base"], store)
    # each further export adds 1,000 new ids, so every version has its own total
    from tools import demo
    extra = demo.generate(seed=7, hazard_rows=1000 * ingests).hazards
    extra["隐患编号"] = "X" + extra["隐患编号"]
    files = []
    for i in range(ingests):
        f = work / f"extra-{i}.csv"
        extra.iloc[i * 1000:(i + 1) * 1000].to_csv(f, index=False)
        files.append(str(f))
    totals = {case["old_seq"]: case["old_total"]}
    outs = [work / f"reader-{i}.json" for i in range(readers)]
    stop = work / "stop"
    stop.unlink(missing_ok=True)
    for o in outs:
        o.with_suffix(".started").unlink(missing_ok=True)
    procs = [subprocess.Popen([sys.executable, "-m", "tools.crash", "reader", str(store), str(stop), str(o)],
                              cwd=str(ROOT)) for o in outs]
    while not all(o.with_suffix(".started").exists() for o in outs):
        time.sleep(0.1)
    total = case["old_total"]
    for f in files:
        subprocess.run(ingest_cmd(store, f), cwd=str(ROOT), check=True, capture_output=True)
        total += 1000
        totals[Store(store).version()] = total
    time.sleep(1)  # a last round of reads of the final version
    stop.touch()
    for p in procs:
        p.wait()
    reads, errors, inconsistent = 0, [], 0
    seen = set()
    for o in outs:
        r = json.loads(o.read_text())
        errors += r["errors"]
        for seq, n in r["reads"]:
            reads += 1
            seen.add(seq)
            # every seq a reader can see is the base or one of the ingests, each with its own total
            if totals.get(seq) != n:
                inconsistent += 1
    return {"readers": readers, "ingests": ingests, "reads": reads, "versions_seen": len(seen),
            "errors": errors, "inconsistent": inconsistent}


def reader(store: str, stop: str, out: str) -> None:
    """Loop until the stop file appears: open the store as the app does, run metrics.league, record (seq, hazards)."""
    reads, errors = [], []
    Path(out).with_suffix(".started").touch()
    while not Path(stop).exists():
        try:
            reads.append(observe(Path(store)))
        except Exception as e:  # every error is a failure the test reports
            errors.append(f"{type(e).__name__}: {e}")
    Path(out).write_text(json.dumps({"reads": reads, "errors": errors}))


if __name__ == "__main__":
    if sys.argv[1] == "reader":
        reader(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "trials":
        print(json.dumps({k: v for k, v in trials(Path(sys.argv[2]), int(sys.argv[3])).items()
                          if k != "details"}, indent=1))
    elif sys.argv[1] == "readers":
        print(json.dumps(readers_during_ingest(Path(sys.argv[2])), indent=1))
