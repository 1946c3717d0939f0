"""python -m board: the stable interface of DESIGN §6, exercised as an analyst or a script would."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from test_ingest import GOOD, TOWNS_CSV, csv
from test_store import snapshot


def board(*args, store=None, stdin=None):
    cmd = [sys.executable, "-m", "board", *args] + (["--store", str(store)] if store else [])
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "BOARD_USER": "cli-analyst", "HOME": "/tmp"})


@pytest.fixture
def files(tmp_path):
    (tmp_path / "towns.csv").write_text(TOWNS_CSV, encoding="utf-8")
    (tmp_path / "hazards.csv").write_bytes(csv(*GOOD))
    (tmp_path / "bad.csv").write_bytes(csv(GOOD[0], GOOD[1].replace("2022-12-02", "2022-02-30")))
    return tmp_path


def test_ingest_metrics_batches_rollback(files, tmp_path):
    store = tmp_path / "store"
    assert board("ingest", str(files / "towns.csv"), store=store).returncode == 0
    r = board("ingest", str(files / "hazards.csv"), store=store)
    assert r.returncode == 0 and "已导入" in r.stdout and "新增 3" in r.stdout

    again = board("ingest", str(files / "hazards.csv"), store=store)
    assert again.returncode == 0 and "已上传过" in again.stdout

    m = json.loads(board("metrics", "--period", "2022-12", "--as-of", "2022-12-31", "--json", store=store).stdout)
    assert set(m) >= {"period", "as_of", "district", "towns"} and m["as_of"] == "2022-12-31"
    # H1 rectified 12-05, H3 rectified 12-20, H2 open: 2/3 at full precision, as a fraction
    assert m["district"]["found"] == 3 and m["district"]["rectification_rate"] == pytest.approx(2 / 3, abs=1e-12)
    a01 = next(t for t in m["towns"] if t["town_code"] == "A01")
    assert a01["town_name"] == "甲镇" and a01["found"] == 1
    for t in m["towns"]:
        assert {"score", "rank", "rank_change", "tier"} <= set(t)
        assert all(t[r] is None or 0 <= t[r] <= 1 for r in ("rectification_rate", "closure_rate", "on_time_rate"))
    b02 = next(t for t in m["towns"] if t["town_code"] == "B02")
    assert b02["aired_closure_rate"] is None                     # nothing aired in B02: empty, not 0

    lines = board("batches", store=store).stdout.strip().splitlines()
    assert [l.split("\t")[0] for l in lines] == ["b0001", "b0002"]  # oldest first, id first
    listed = json.loads(board("batches", "--json", store=store).stdout)
    assert listed[1]["user"] == "cli-analyst" and len(listed[1]["sha256"]) == 64

    assert board("rollback", "b0002", store=store).returncode == 0
    m2 = json.loads(board("metrics", "--period", "2022-12", "--as-of", "2022-12-31", "--json", store=store).stdout)
    assert m2["district"]["found"] == 0 and m2["district"]["rectification_rate"] is None
    # the figures of before the rollback are still reproducible, as of batch b0002
    m3 = json.loads(board("metrics", "--period", "2022-12", "--as-of", "2022-12-31", "--batch", "b0002",
                          "--json", store=store).stdout)
    assert m3["district"] == m["district"]


def test_rejected_ingest_exits_nonzero_and_leaves_store_unchanged(files, tmp_path):
    store = tmp_path / "store"
    board("ingest", str(files / "towns.csv"), store=store)
    before = snapshot(store)
    r = board("ingest", str(files / "bad.csv"), store=store)
    assert r.returncode != 0
    assert "第 3 行" in r.stderr and "发现日期" in r.stderr and "2022-02-30" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert snapshot(store) == before


def test_dry_run_validates_without_writing(files, tmp_path):
    store = tmp_path / "store"
    board("ingest", str(files / "towns.csv"), store=store)
    before = snapshot(store)
    r = board("ingest", str(files / "hazards.csv"), "--dry-run", store=store)
    assert r.returncode == 0 and "校验通过" in r.stdout
    assert snapshot(store) == before


def test_missing_file_and_bad_period_are_plain_errors(tmp_path):
    r = board("ingest", str(tmp_path / "nope.csv"), store=tmp_path / "s")
    assert r.returncode != 0 and "无法读取文件" in r.stderr and "Traceback" not in r.stderr
    r = board("metrics", "--period", "2022-13", store=tmp_path / "s")
    assert r.returncode != 0 and "统计期" in r.stderr and "Traceback" not in r.stderr
