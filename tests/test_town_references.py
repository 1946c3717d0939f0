"""One town for every reference: a towns upload that would let a code, name or alias name two towns is
refused naming both; resolution is the same every run; a rename keeps the old name as an alias."""

import threading

import pytest

from board import db
from board.ingest import ingest
from board.store import Store
from conftest import commit
from test_store import snapshot

TOWNS = "镇街代码,镇街名称,别名\n330212001,东湖街道,东湖\n330212002,云溪镇,\n"
LEDGER = "隐患编号,所属镇街,发现日期\nH1,东湖街道,2022-12-01\nH2,云溪镇,2022-12-02\nH3,东湖,2022-12-03\n"


@pytest.fixture
def towns(store):
    r = ingest(store, TOWNS.encode(), "镇街.csv", user="analyst")
    assert r.committed, r.text()
    return store


def refused(store, text, name="镇街2.csv"):
    before = snapshot(store.path)
    r = ingest(store, text.encode(), name, user="analyst", dataset="towns")
    assert not r.ok and not r.committed
    assert snapshot(store.path) == before
    return r


@pytest.mark.parametrize("upload, column, key, codes", [
    ("镇街代码,镇街名称\n330212999,东湖街道\n", "镇街名称", "东湖街道", ("330212001", "330212999")),
    ("镇街代码,镇街名称,别名\n330212003,新设街道,云溪镇\n", "别名", "云溪镇", ("330212002", "330212003")),
    ("镇街代码,镇街名称,别名\n330212003,新设街道,东湖\n", "别名", "东湖", ("330212001", "330212003")),
    ("镇街代码,镇街名称\n330212003,330212001\n", "镇街名称", "330212001", ("330212001", "330212003")),
    ("镇街代码,镇街名称\n330212003,新设街道\n330212004,新设街道\n", "镇街名称", "新设街道",
     ("330212003", "330212004")),
    ("镇街代码,镇街名称\n330212003,ＤＨ\n330212004,dh\n", "镇街名称", "dh", ("330212003", "330212004")),
])
def test_a_key_that_would_name_two_towns_is_refused_naming_both(towns, upload, column, key, codes):
    r = refused(towns, upload)
    p = r.problems[0]
    assert p.column == column and p.row == 2, r.text()
    assert "两个镇街" in p.reason and all(c in p.reason for c in codes), p.reason


def test_rename_keeps_the_old_name_as_an_alias(towns):
    r = ingest(towns, "镇街代码,镇街名称\n330212001,东湖新街道\n".encode(), "改名.csv", user="analyst")
    assert r.committed and (r.added, r.updated) == (0, 1), r.text()
    assert any("改名" in n and "东湖街道" in n for n in r.notices)
    r = ingest(towns, LEDGER.encode(), "台账.csv", user="analyst")
    assert r.committed, r.text()
    con = db.connect(towns.state())
    got = dict(con.execute("select hazard_id, town_code from hazards").fetchall())
    assert got == {"H1": "330212001", "H2": "330212002", "H3": "330212001"}  # old name → the renamed town


def test_resolution_is_the_same_every_run_even_in_an_older_store_with_a_clash(store):
    # a store written before the rule: two towns named 东湖街道 (committed directly, bypassing the check)
    commit(store, "towns", [{"town_code": "330212999", "town_name": "东湖街道"},
                            {"town_code": "330212001", "town_name": "东湖街道", "aliases": "云溪镇"},
                            {"town_code": "330212002", "town_name": "云溪镇"}])
    seen = set()
    for i in range(25):
        r = ingest(store, LEDGER.replace(",东湖,", ",云溪镇,").encode(), f"台账{i}.csv", user="a", dry_run=True)
        assert r.ok, r.text()
        seen.add(tuple(r.tables[-1][1].column("town_code").to_pylist()))
    # a name before an alias, then the smaller code: 东湖街道 → 330212001, 云溪镇 → its own code
    assert seen == {("330212001", "330212002", "330212002")}
    keys = db.run(db.connect(store.state()), "town_lookup")
    assert keys.iloc[0].to_dict() == {"key": "330212001", "town_code": "330212001"}  # codes first, ordered


def test_two_towns_uploads_at_once_cannot_clash(towns, monkeypatch):
    # both validated against the same store, then committed one after the other: the second is refused
    barrier = threading.Barrier(2, timeout=60)
    original = Store.commit_many

    def late(self, *a, **kw):
        barrier.wait()
        return original(self, *a, **kw)

    monkeypatch.setattr(Store, "commit_many", late)
    results = []
    files = ["镇街代码,镇街名称\n330212003,新设街道\n", "镇街代码,镇街名称,别名\n330212004,北区,新设街道\n"]
    threads = [threading.Thread(target=lambda f=f, i=i: results.append(
        ingest(towns, f.encode(), f"t{i}.csv", user="a"))) for i, f in enumerate(files)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.committed for r in results) == [False, True]
    assert any("两个镇街" in p.reason for r in results for p in r.problems)


def test_two_ingests_of_the_same_ids_at_once_count_updates(towns, monkeypatch):
    barrier = threading.Barrier(2, timeout=60)
    original = Store.commit_many

    def late(self, *a, **kw):
        barrier.wait()
        return original(self, *a, **kw)

    monkeypatch.setattr(Store, "commit_many", late)
    rows = "".join(f"H{i},东湖街道,2022-12-01\n" for i in range(20_000))
    results = []
    threads = [threading.Thread(target=lambda i=i: results.append(ingest(
        towns, (f"隐患编号,所属镇街,发现日期\n{rows}" + ("" if i == 0 else "\n")).encode(), f"h{i}.csv",
        user="a"))) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.committed for r in results), [r.text() for r in results]
    assert sorted((r.added, r.updated) for r in results) == [(0, 20_000), (20_000, 0)]
    assert {b.added for b in towns.state().batches if b.dataset == "hazards"} == {0, 20_000}


def test_ids_differing_only_in_case_and_far_deadlines_are_said(towns):
    r = ingest(towns, ("隐患编号,所属镇街,发现日期,整改期限\nYHCASE01,东湖街道,2022-12-01,2099-12-31\n"
                       "yhcase01,东湖街道,2022-12-01,2022-12-05\n").encode(), "台账.csv", user="a",
               today=__import__("datetime").date(2023, 1, 10))
    assert r.committed, r.text()
    assert any("大小写" in n and "YHCASE01" in n and "yhcase01" in n for n in r.notices)
    assert any("2099-12-31" in n and "整改期限" in n for n in r.notices)
