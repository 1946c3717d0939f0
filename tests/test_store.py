"""The store keeps everything: atomic manifest, rollback, as-of, no demo in a real store, crash safety."""

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from board import db, metrics
from board.errors import Rejected
from board.store import Store
from conftest import ROOT, commit, d, table

TOWNS = [{"town_code": "A", "town_name": "甲镇", "population": 10000}]


def snapshot(path: Path) -> dict:
    """Every file under path with its bytes: 'byte-for-byte unchanged' made checkable."""
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_commit_archives_file_and_records_batch(store):
    batch = store.commit("towns", table("towns", TOWNS), "../../镇街名单.csv", b"raw,bytes", "analyst")
    assert batch.batch_id == "b0001" and batch.user == "analyst" and batch.rows == 1
    assert (store.path / batch.archive).read_bytes() == b"raw,bytes"
    assert batch.archive == "archive/b0001/镇街名单.csv"       # path parts of the name are dropped
    m = json.loads((store.path / "manifest.json").read_text())
    assert m["kind"] == "real" and m["events"][0]["sha256"] == batch.sha256


def test_write_without_identity_is_refused(store):
    with pytest.raises(PermissionError):
        store.commit("towns", table("towns", TOWNS), "t.csv", b"x", "")
    with pytest.raises(PermissionError):
        store.rollback("b0001", "")
    assert not store.path.exists()


def test_rollback_keeps_files_and_can_not_repeat(store):
    b = commit(store, "towns", TOWNS)
    store.rollback(b, "analyst")
    assert store.state().empty and (store.path / "archive" / b).exists()
    with pytest.raises(Rejected, match="已经回滚"):
        store.rollback(b, "analyst")
    with pytest.raises(Rejected, match="没有这个批次"):
        store.rollback("b0099", "analyst")


def test_state_at_an_earlier_event(store):
    commit(store, "towns", TOWNS)
    b2 = commit(store, "hazards", [dict(hazard_id="h1", town_code="A", found_date=d("2022-01-01"))])
    store.rollback(b2, "analyst")
    assert [b.batch_id for b in store.state(at=2).batches] == ["b0001", "b0002"]
    assert [b.batch_id for b in store.state().batches] == ["b0001"]


def test_demo_and_real_never_mix(tmp_path):
    demo = Store(tmp_path / "demo")
    demo.commit("towns", table("towns", TOWNS), "t.csv", b"x", "gen", kind="demo")
    with pytest.raises(Rejected, match="示例数据仓库"):
        demo.commit("towns", table("towns", TOWNS), "t2.csv", b"y", "analyst")
    real = Store(tmp_path / "real")
    real.commit("towns", table("towns", TOWNS), "t.csv", b"x", "analyst")
    before = snapshot(real.path)
    with pytest.raises(Rejected, match="示例数据不能写入"):
        real.commit("towns", table("towns", TOWNS), "t2.csv", b"y", "gen", kind="demo")
    assert snapshot(real.path) == before


def test_leftovers_of_an_interrupted_write_are_swept(store):
    commit(store, "towns", TOWNS)
    (store.path / "batches" / ".b0002.parquet.99.tmp").write_bytes(b"half")
    (store.path / "archive" / "b0002").mkdir()
    (store.path / "archive" / "b0002" / "x.csv").write_bytes(b"orphan")
    assert [b.batch_id for b in store.state().batches] == ["b0001"]   # readers ignore them
    commit(store, "towns", TOWNS, "again.csv")
    assert not (store.path / "batches" / ".b0002.parquet.99.tmp").exists()
    assert (store.path / "archive" / "b0002").exists()                 # now a real batch's archive
    assert not (store.path / "archive" / "b0002" / "x.csv").exists()


def test_readers_take_no_lock(store):
    commit(store, "towns", TOWNS)
    # a writer holding the lock does not stop a reader from opening the board
    import fcntl
    with open(store.path / ".write.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        con = db.connect(store.state())
        assert db.run(con, "town_lookup").shape[0] >= 2


# -- SIGKILL at random moments ----------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    sys.path.insert(0, {tests!r})
    from board.store import Store
    from conftest import table, d
    rows = [dict(hazard_id=f"n{{i}}", town_code="A", found_date=d("2022-02-01")) for i in range({n})]
    t = table("hazards", rows)
    print("ready", flush=True)
    Store({store!r}).commit("hazards", t, "new.csv", b"x" * 3_000_000, "analyst")
    print("done", flush=True)
""")


def figures(path):
    con = db.connect(Store(path).state())
    return metrics.ledger(con, metrics.parse_period("2022"), d("2022-12-31"))["found"].tolist()


def test_sigkill_during_commit_leaves_old_or_new_state(tmp_path):
    """20+ kills at random moments of a commit: the store is always exactly old or new, and opens."""
    rng = random.Random(7)
    outcomes = {"old": 0, "new": 0}
    for trial in range(24):
        path = tmp_path / f"s{trial}"
        s = Store(path)
        commit(s, "towns", TOWNS)
        commit(s, "hazards", [dict(hazard_id="h1", town_code="A", found_date=d("2022-01-01"))])
        old_manifest = (path / "manifest.json").read_bytes()
        old_figures = figures(path)
        script = WRITER.format(root=str(ROOT), tests=str(ROOT / "tests"), n=40000, store=str(path))
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, 0.15))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        manifest = json.loads((path / "manifest.json").read_text())
        if (path / "manifest.json").read_bytes() == old_manifest:
            outcomes["old"] += 1
            assert figures(path) == old_figures
        else:
            outcomes["new"] += 1
            assert [e["batch_id"] for e in manifest["events"]] == ["b0001", "b0002", "b0003"]
            assert figures(path)[0] == old_figures[0] + 40000
        # and the next writer works without anyone cleaning up by hand
        commit(s, "towns", TOWNS, "after.csv")
        assert s.state().batches[-1].source_file == "after.csv"
    assert outcomes["old"] + outcomes["new"] == 24
    print("sigkill outcomes", outcomes)
