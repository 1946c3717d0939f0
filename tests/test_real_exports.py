"""Exports as offices and grid platforms really write them load without --map or --dataset, and give the
figures of a hand count; bad rows can be set aside on request; workbooks as Excel leaves them cannot take
a process down.

The ledger of every shape below is the same five hazards (found in 2024, as of 2024-10-31):

    H1 东湖街道  一般隐患      found 10-05 14:23:11  deadline 10-15  rectified 10-12  是否销号 是  closed 10-20  一次提醒  第12期
    H2 西山镇    重大事故隐患  found 10-08 16:30     deadline 10-20  —                否          —            二次警示  第十二期
    H3 东湖街道  较大隐患      found 10-10           deadline 10-25  rectified 10-28  否          —            约谈      12期
    H4 南湖乡    一般          found 10-20           deadline 11-30  —                否          —            —         —
    H5 西山镇    一般事故隐患  found 09-28           deadline 10-10  rectified 10-09  是          closed 10-11 移送执法  第13期

Hand count for period 2024-10 as of 2024-10-31 (H5 was found in September, so it is not in the cohort):
    found 4 (H1 H2 H3 H4) · rectified 2 (H1 10-12, H3 10-28) → 0.5 · closed 1 (H1) → 0.25
    due 3 (deadlines 10-15, 10-20, 10-25 ≤ 10-31; H4's is 11-30) · on time 1 (H1; H3 was late) → 1/3
    overdue 1 (H2: open, deadline 10-20 < 10-31) · aired 3 (H1 H2 H3, 期 12) · aired closed 1 (H1) → 1/3
    by town: 东湖街道 found 2, 西山镇 1, 南湖乡 1
"""

import datetime as dt
import io
import json
import mmap
import multiprocessing
import os
import random
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import python_calamine
import xlwt

from board import db
from board.errors import Rejected
from board.readers import read_table
from board.schema import DATASETS
from board.store import Store, set_aside_rows
from test_cli import board
from test_store import snapshot

ROOT = Path(__file__).resolve().parent.parent
REAL = next((p for p in (ROOT.parent / "shared" / "real-exports", Path("/work/shared/real-exports"))
             if p.exists()), ROOT.parent / "shared" / "real-exports")

ALL_ALIASES = [a for ds in DATASETS.values() for c in ds.columns for a in c.aliases]
TOWNS_ROSTER = ("乡镇（街道）名称,统一区划代码,常住人口（人）\n"
                "东湖街道,330102001,\"52,000\"\n西山镇,330102002,31000\n南湖乡,330102003,18000\n")

EXPECTED = {"found": 4, "rectified": 2, "rectification_rate": 0.5, "closed": 1, "closure_rate": 0.25,
            "due": 3, "on_time": 1, "on_time_rate": 1 / 3, "overdue": 1, "aired": 3, "aired_closure_rate": 1 / 3}
EXPECTED_TOWNS = {"东湖街道": 2, "西山镇": 1, "南湖乡": 1}
# what the board stores, canonical (H5 kept too: it is in the ledger, only not in October's cohort)
EXPECTED_VALUES = {"H1": ("一般", 1, 12), "H2": ("重大", 2, 12), "H3": ("较大", 2, 12), "H4": ("一般", None, None),
                   "H5": ("一般", 3, 13)}

D = dt.datetime
# id, town, category, severity, found, deadline, rectified, 是否销号, closed, escalation, notice
LEDGER = [
    ["H1", "东湖街道", "消防安全", "一般隐患", D(2024, 10, 5, 14, 23, 11), D(2024, 10, 15), D(2024, 10, 12), "是",
     D(2024, 10, 20), "一次提醒", "第12期"],
    ["H2", "西山镇", "燃气安全", "重大事故隐患", "2024/10/8 16:30", D(2024, 10, 20), None, "否", None, "二次警示",
     "第十二期"],
    ["H3", "东湖街道", "道路交通", "较大隐患", D(2024, 10, 10), D(2024, 10, 25), D(2024, 10, 28), "否", None, "约谈",
     "12期"],
    ["H4", "南湖乡", "消防安全", "一般", "2024-10-20", "2024-11-30", None, "否", "—", None, None],
    ["H5", "西山镇", "安全生产", "一般事故隐患", D(2024, 9, 28), D(2024, 10, 10), D(2024, 10, 9), "是", D(2024, 10, 11),
     "移送执法", "第13期"],
]
LEAVES = ["问题类型", "隐患等级", "问题描述", "发现时间", "整改时限", "整改完成时间", "是否销号", "销号时间"]


def _row(h):
    """A ledger row in the workbook's column order (序号 filled by the caller)."""
    ident, town, cat, sev, found, deadline, rect, flag, closed, esc, notice = h
    return [ident, town, cat, sev, f"{cat}问题", found, deadline, rect, flag, closed, esc, notice]


def grouped_workbook() -> bytes:
    """Cover sheet 填表说明; title; 填报单位 line; two-row header (序号 … merged down, two groups); a blank row; 合计."""
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "填表说明"
    for line in ("填表说明", "1. 每个隐患一行，问题编号不可重复。", "2. 日期填写为 2024-10-05 格式。",
                 "3. 隐患等级填 一般隐患、较大隐患、重大隐患。"):
        cover.append([line])
    ws = wb.create_sheet("隐患台账")
    ws.append(["2024年10月安全隐患问题台账"])                                                      # row 1
    ws.merge_cells("A1:M1")
    ws.append(["填报单位：某区平安办", None, None, None, None, None, "填报日期：2024-11-01", None, None, None,
               "统计截止：2024-10-31"])                                                          # row 2
    ws.append(["序号", "问题编号", "所属乡镇（街道）", "隐患基本情况", None, None, None, "整改情况", None, None,
               None, "督办等级", "晾晒期数"])                                                     # row 3
    ws.append([None, None, None, *LEAVES[:4], *LEAVES[4:], None, None])                          # row 4
    for col in "ABCLM":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("D3:G3")
    ws.merge_cells("H3:K3")
    for i, h in enumerate(LEDGER[:3], 1):
        ws.append([i, *_row(h)])                                                                 # rows 5–7
    ws.append([None] * 13)                                                                       # row 8: blank
    ws.append([4, *_row(LEDGER[3])])                                                             # row 9
    ws.append([5, *_row(LEDGER[4])])                                                             # row 10
    ws.append(["合计", "5 项"])                                                                   # row 11
    for row in ws.iter_rows(min_row=5, max_row=10):
        for cell in row[6:10]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss" if cell.value.second else "yyyy-mm-dd"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def narrow_group_xls() -> bytes:
    """An .xls (xlwt): header in rows 1–2, one narrow group (整改 over 完成时间 · 销号时间), a 小计 row in the middle."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("台账")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    stamp = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")
    tops = ["隐患编号", "镇（街道）名称", "隐患类型", "风险等级", "发现日期", "整改期限", "整改", None, "是否整改",
            "督办层级", "通报期号"]
    for c, v in enumerate(tops):
        if v and c != 6:
            ws.write_merge(0, 1, c, c, v)
    ws.write_merge(0, 0, 6, 7, "整改")
    ws.write(1, 6, "完成时间")
    ws.write(1, 7, "销号时间")
    r = 2
    for k, h in enumerate(LEDGER):
        ident, town, cat, sev, found, deadline, rect, flag, closed, esc, notice = h
        flag = "已" if rect else "未"
        cells = [ident, town, cat, sev, found, deadline, rect, closed if closed != "—" else None, flag, esc, notice]
        for c, v in enumerate(cells):
            if isinstance(v, dt.datetime):
                ws.write(r, c, v, stamp if v.second or v.minute else date)
            elif v is not None:
                ws.write(r, c, v)
        r += 1
        if k == 2:
            ws.write(r, 0, "小计")
            ws.write(r, 1, "东湖街道")
            r += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def repeated_leaves_workbook() -> bytes:
    """Upper-row header wider than the groups: 整改情况 and 销号情况 each over a 完成时间 (leaves repeat)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["问题编号", "乡镇（街道）", "隐患类别", "隐患级别", "发现时间", "整改时限", "整改情况", None,
               "销号情况", None, "督办情况", "晾晒期号"])
    ws.append([None, None, None, None, None, None, "完成时间", "责任人", "完成时间", "验收人", None, None])
    ws.merge_cells("G1:H1")
    ws.merge_cells("I1:J1")
    for col in "ABCDEFKL":
        ws.merge_cells(f"{col}1:{col}2")
    for h in LEDGER:
        ident, town, cat, sev, found, deadline, rect, flag, closed, esc, notice = h
        ws.append([ident, town, cat, sev, found, deadline, rect, "张三", None if closed == "—" else closed, "李四",
                   esc, notice])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GRID_HEADER = "问题编号,乡镇街道,问题类型,风险等级,发现时间,整改时限,办结时间,销号时间,督办等级,晾晒期数,责任网格员"


def grid_platform_csv() -> bytes:
    """The same ledger as a grid platform exports it: GBK, timestamps with seconds, 第N期, 一次提醒."""
    def ts(v):
        if v is None or v == "—":
            return ""
        if isinstance(v, dt.datetime):
            return v.strftime("%Y-%m-%d %H:%M:%S")
        return pd.Timestamp(v.replace("/", "-")).strftime("%Y-%m-%d %H:%M:%S")

    lines = [GRID_HEADER]
    for ident, town, cat, sev, found, deadline, rect, flag, closed, esc, notice in LEDGER:
        lines.append(",".join([ident, town, cat, sev, ts(found), ts(deadline), ts(rect), ts(closed), esc or "",
                               notice or "", "王网格"]))
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


SHAPES = {
    "grouped.xlsx": grouped_workbook,
    "narrow-group.xls": narrow_group_xls,
    "repeated-leaves.xlsx": repeated_leaves_workbook,
    "grid-platform.csv": grid_platform_csv,
}


@pytest.fixture
def roster_store(tmp_path):
    """A store holding the towns roster, loaded by the CLI with no --dataset and no --map."""
    (tmp_path / "镇街名单.csv").write_text(TOWNS_ROSTER, encoding="utf-8")
    store = tmp_path / "store"
    r = board("ingest", str(tmp_path / "镇街名单.csv"), store=store)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "镇街名单" in r.stdout and "新增 3" in r.stdout
    return store


def test_towns_roster_headed_as_offices_write_it_loads_by_itself(roster_store):
    con = db.connect(Store(roster_store).state())
    towns = con.execute("select town_code, town_name, population from towns order by town_code").fetchall()
    assert towns == [("330102001", "东湖街道", 52000), ("330102002", "西山镇", 31000), ("330102003", "南湖乡", 18000)]


def _metrics(store, period="2024-10", as_of="2024-10-31"):
    r = board("metrics", "--period", period, "--as-of", as_of, "--json", store=store)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _assert_hand_count(store):
    m = _metrics(store)
    for k, v in EXPECTED.items():
        assert m["district"][k] == pytest.approx(v, abs=1e-12), k
    assert {t["town_name"]: t["found"] for t in m["towns"]} == EXPECTED_TOWNS
    con = db.connect(Store(store).state())
    stored = {r[0]: (r[1], r[2], r[3]) for r in
              con.execute("select hazard_id, severity, escalation, notice_no from hazards").fetchall()}
    assert stored == EXPECTED_VALUES


@pytest.mark.parametrize("name", list(SHAPES))
def test_each_shape_loads_with_no_map_and_no_dataset_and_matches_the_hand_count(roster_store, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(SHAPES[name]())
    r = board("ingest", str(path), store=roster_store)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "--map" not in r.stdout and "Traceback" not in r.stdout + r.stderr
    assert "新增 5" in r.stdout
    _assert_hand_count(roster_store)


def test_grouped_workbook_report_says_what_it_read_and_skipped(roster_store, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(grouped_workbook())
    out = board("ingest", str(path), "--dry-run", store=roster_store).stdout
    assert "已读取工作表“隐患台账”" in out and "跳过了“填表说明”" in out
    assert "第 1–2 行" in out                                  # the title and the 填报单位 line
    assert "表头占两行（第 3–4 行）" in out and "“隐患基本情况”“整改情况”" in out
    assert "已跳过数据中间的空行（第 8 行）" in out
    assert "第 11 行" in out and "合计" in out
    assert "“整改完成时间”按“整改完成日期”读取" in out          # matched by a rule, not an exact alias
    assert "“晾晒期数”按“晾晒期号”读取" in out                  # one character away
    assert "以下列未使用" not in out                              # 序号 is a running number, not a column to use


def test_the_analyst_can_pick_another_sheet(roster_store, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(grouped_workbook())
    r = board("ingest", str(path), "--sheet", "填表说明", "--dataset", "hazards", store=roster_store)
    assert r.returncode != 0 and "缺少必填列" in r.stderr
    r = board("ingest", str(path), "--sheet", "汇总", store=roster_store)
    assert r.returncode != 0 and "没有名为“汇总”的工作表（有：填表说明、隐患台账）" in r.stderr


def test_repeated_leaves_are_named_group_slash_leaf():
    table = read_table(repeated_leaves_workbook(), "a.xlsx", ALL_ALIASES)
    assert list(table.frame.columns)[6:10] == ["整改情况/完成时间", "责任人", "销号情况/完成时间", "验收人"]


def test_grid_platform_csv_gives_identical_figures_with_at_most_the_printed_map_lines(roster_store, tmp_path):
    """A header the rules cannot place is suggested, never applied; the printed --map line applies it."""
    odd = grid_platform_csv().decode("gbk").replace("整改时限", "要求整改时限").encode("gbk")
    path = tmp_path / "网格平台导出.csv"
    path.write_bytes(odd)
    first = board("ingest", str(path), store=roster_store)
    maps = [line.strip() for line in first.stdout.splitlines() + first.stderr.splitlines()
            if line.strip().startswith("--map ")]
    assert maps == ["--map deadline=要求整改时限"]
    before = _metrics(roster_store)
    assert first.returncode == 0 and before["district"]["due"] == 0   # committed, but the deadline unused
    args = [a for m in maps for a in m.split(" ", 1)]
    assert board("rollback", "b0002", store=roster_store).returncode == 0
    second = board("ingest", str(path), *args, store=roster_store)
    assert second.returncode == 0, second.stderr
    _assert_hand_count(roster_store)


def test_value_spellings_and_yes_no_checked_against_dates(roster_store, tmp_path):
    bad = grid_platform_csv().decode("gbk").splitlines()
    header = bad[0] + ",是否销号"
    rows = [bad[1] + ",否", bad[2] + ",是", bad[3] + ",否", bad[4] + ",未", bad[5] + ",已"]
    path = tmp_path / "x.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    r = board("ingest", str(path), "--dry-run", store=roster_store)
    # H1 has a 销号时间 but says 否; H2 says 是 with none
    assert r.returncode != 0
    assert "第 2 行，“是否销号”列，值“否”：填了“否”，却有销号日期" in r.stderr
    assert "第 3 行，“是否销号”列，值“是”：填了“是”，却没有销号日期" in r.stderr
    assert "第 4 行" not in r.stderr and "第 5 行" not in r.stderr


# ---------------------------------------------------------------- set aside on request


def test_without_partial_nothing_changes_and_with_it_the_bad_rows_are_kept_aside(roster_store, tmp_path):
    lines = grid_platform_csv().decode("gbk").splitlines()
    lines[2] = lines[2].replace("西山镇", "北岭镇")              # H2: a town not on the roster
    lines[4] = lines[4].replace("2024-10-20 00:00:00", "2024-13-45", 1)  # H4: an impossible found date
    path = tmp_path / "台账.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(roster_store)
    r = board("ingest", str(path), store=roster_store)
    assert r.returncode != 0 and snapshot(roster_store) == before
    assert "--partial" in r.stderr                                # the way forward is named

    r = board("ingest", str(path), "--partial", store=roster_store)
    assert r.returncode == 0, r.stderr
    assert "另有 2 行有问题，已按要求放在一边" in r.stdout
    listed = json.loads(board("batches", "--json", store=roster_store).stdout)
    assert listed[-1]["rows"] == 3 and listed[-1]["set_aside"] == 2
    store = Store(roster_store)
    aside = set_aside_rows(store, store.batch(listed[-1]["batch_id"]))
    assert aside["Excel行号"].tolist() == [3, 5]
    assert "镇街不在镇街名单中" in aside["原因"][0] and "日期无法识别" in aside["原因"][1]
    assert aside["问题编号"].tolist() == ["H2", "H4"]
    # the archived original keeps every row
    archived = (store.path / store.batch(listed[-1]["batch_id"]).archive).read_text("utf-8")
    assert "北岭镇" in archived and "2024-13-45" in archived

    # fixed, they come back as an ordinary upload and update by id
    fixed = tmp_path / "台账-改.csv"
    fixed.write_text("\n".join([lines[0], lines[2].replace("北岭镇", "西山镇"),
                                lines[4].replace("2024-13-45", "2024-10-20 00:00:00")]) + "\n", encoding="utf-8")
    r = board("ingest", str(fixed), store=roster_store)
    assert r.returncode == 0 and "新增 2" in r.stdout
    _assert_hand_count_without_escalation_of_h4(roster_store)


def _assert_hand_count_without_escalation_of_h4(store):
    m = _metrics(store)
    for k, v in EXPECTED.items():
        assert m["district"][k] == pytest.approx(v, abs=1e-12), k


@pytest.mark.parametrize("problem", ["unreadable", "wrong-dataset", "missing-required", "every-row-bad"])
def test_with_partial_a_structural_problem_still_leaves_the_store_unchanged(roster_store, tmp_path, problem):
    lines = grid_platform_csv().decode("gbk").splitlines()
    data = {
        "unreadable": b"PK\x03\x04" + os.urandom(300),
        "wrong-dataset": TOWNS_ROSTER.encode(),
        "missing-required": "\n".join(l.split(",", 1)[1] for l in lines).encode(),
        "every-row-bad": "\n".join([lines[0]] + [l.replace("东湖街道", "无此镇").replace("西山镇", "无此镇")
                                                .replace("南湖乡", "无此镇") for l in lines[1:]]).encode(),
    }[problem]
    path = tmp_path / "x.xlsx" if problem == "unreadable" else tmp_path / "x.csv"
    path.write_bytes(data)
    before = snapshot(roster_store)
    args = ["--dataset", "hazards"] if problem == "wrong-dataset" else []
    r = board("ingest", str(path), "--partial", *args, store=roster_store)
    assert r.returncode != 0 and snapshot(roster_store) == before
    assert "Traceback" not in r.stdout + r.stderr and "已导入" not in r.stdout


def test_add_towns_combines_with_partial(roster_store, tmp_path):
    lines = grid_platform_csv().decode("gbk").splitlines()
    lines[2] = lines[2].replace("西山镇", "北岭镇")
    lines[3] = lines[3].replace("2024-10-10 00:00:00", "不详")
    path = tmp_path / "x.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = board("ingest", str(path), "--partial", "--add-towns", store=roster_store)
    assert r.returncode == 0 and "新登记镇街 1 个：北岭镇" in r.stdout and "另有 1 行" in r.stdout


# ---------------------------------------------------------------- real exports


def _baltimore_args():
    maps = {"hazard_id": "SRRecordID", "found_date": "CreatedDate", "deadline": "DueDate",
            "rectified_date": "CloseDate", "closed_date": "CloseDate", "category": "SRType",
            "town": "CouncilDistrict", "lat": "Latitude", "lon": "Longitude"}
    return [a for k, v in maps.items() for a in ("--map", f"{k}={v}")]


def test_baltimore_partial_commits_9112_and_sets_888_aside_and_matches_a_pandas_recount(tmp_path):
    store = tmp_path / "store"
    src = REAL / "baltimore_311_sample_2019.csv"
    r = board("ingest", str(src), "--dataset", "hazards", "--add-towns", "--partial", *_baltimore_args(),
              store=store)
    assert r.returncode == 0, r.stderr
    assert "另有 888 行有问题" in r.stdout and "“CouncilDistrict”列：必填，不能为空（888 行）" in r.stdout
    listed = json.loads(board("batches", "--json", store=store).stdout)
    assert [(b["dataset"], b["rows"], b["set_aside"]) for b in listed] == [("towns", 14, 0), ("hazards", 9112, 888)]
    s = Store(store)
    aside = set_aside_rows(s, s.batch(listed[-1]["batch_id"]))
    assert len(aside) == 888 and set(aside["原因"]) == {"“CouncilDistrict”列：必填，不能为空"}

    m = _metrics(store, "2018", "2019-02-13")
    # the recount: plain pandas over the file, as the design defines each figure
    f = pd.read_csv(src, dtype=str, keep_default_na=False)
    f = f[f["CouncilDistrict"].str.strip() != ""]
    day = lambda c: pd.to_datetime(f[c], format="%m/%d/%Y %I:%M:%S %p", errors="coerce").dt.normalize()
    found, due, rect = day("CreatedDate"), day("DueDate"), day("CloseDate")
    as_of = pd.Timestamp("2019-02-13")
    cohort = (found >= "2018-01-01") & (found <= "2018-12-31")
    done = rect.notna() & (rect <= as_of)
    is_due = due.notna() & (due <= as_of)
    expect = pd.DataFrame({"town": f["CouncilDistrict"].str.strip(), "found": cohort, "rectified": cohort & done,
                           "due": cohort & is_due, "on_time": cohort & is_due & done & (rect <= due),
                           "overdue": cohort & ~done & due.notna() & (due < as_of)}).groupby("town").sum()
    got = {t["town_code"]: t for t in m["towns"]}
    assert set(got) == set(expect.index)
    for town, row in expect.iterrows():
        for k in ("found", "rectified", "due", "on_time", "overdue"):
            assert got[town][k] == row[k], (town, k)
        assert got[town]["closed"] == row["rectified"]
    assert m["district"]["found"] == int(expect["found"].sum()) > 1000


def test_nyc_partial_sets_one_row_aside_at_excel_row_2072(tmp_path):
    store = tmp_path / "store"
    maps = {"hazard_id": "Unique Key", "found_date": "Created Date", "deadline": "Due Date",
            "rectified_date": "Closed Date", "category": "Complaint Type", "town": "Community Board",
            "lat": "Latitude", "lon": "Longitude"}
    args = [a for k, v in maps.items() for a in ("--map", f"{k}={v}")]
    src = REAL / "nyc_311_2013-12_sample.csv"
    refused = board("ingest", str(src), "--dataset", "hazards", "--add-towns", *args, store=store)
    assert refused.returncode != 0 and "第 2072 行" in refused.stderr and not (store / "manifest.json").exists()
    r = board("ingest", str(src), "--dataset", "hazards", "--add-towns", "--partial", *args, store=store)
    assert r.returncode == 0, r.stderr
    listed = json.loads(board("batches", "--json", store=store).stdout)
    assert (listed[-1]["rows"], listed[-1]["set_aside"]) == (2385, 1)
    s = Store(store)
    aside = set_aside_rows(s, s.batch(listed[-1]["batch_id"]))
    assert aside["Excel行号"].tolist() == [2072] and "整改完成日期早于发现日期" in aside["原因"][0]


# ---------------------------------------------------------------- workbooks as Excel leaves them


def stray_cell_workbook() -> bytes:
    """A normal little ledger plus one stray value at XFD1048576: its used range is the whole sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["隐患编号", "所属镇街", "发现日期"])
    ws.append(["S1", "东湖街道", "2024-10-02"])
    ws["XFD1048576"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bomb_workbook(mb: int = 400) -> bytes:
    """An .xlsx whose sheet XML expands to `mb` MB of near-identical rows (deflate squeezes it ~1000×)."""
    good = stray_cell_workbook()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                member = zipfile.ZipInfo(info.filename)
                member.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(member, "w", force_zip64=True) as f:
                    f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData>')
                    row = b'<row><c t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c></row>"
                    chunk = row * 1024
                    for _ in range(mb * 1024 * 1024 // len(chunk)):
                        f.write(chunk)
                    f.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def test_a_stray_cell_at_xfd1048576_is_read_in_bounded_time_and_memory():
    data = stray_cell_workbook()
    assert len(data) < 10_000
    start = time.perf_counter()
    table = read_table(data, "stray.xlsx", ["隐患编号", "所属镇街", "发现日期"])
    assert time.perf_counter() - start < 30
    assert table.frame.values.tolist() == [["S1", "东湖街道", "2024-10-02"]]
    assert any("XFD1048576" in n and "已忽略" in n for n in table.notices)


def test_a_zip_bomb_is_refused_in_chinese_before_it_is_parsed():
    data = zip_bomb_workbook()
    assert len(data) < 2_000_000
    with pytest.raises(Rejected) as e:
        read_table(data, "bomb.xlsx")
    reason = e.value.problems[0].reason
    assert "解压后有" in reason and "上限" in reason


def test_a_reader_that_blows_its_memory_limit_is_a_problem_of_the_file_not_a_crash(monkeypatch):
    """Past the expansion check (raised here), the child's memory limit still catches the bomb."""
    import board.readers as readers

    monkeypatch.setattr(readers, "MAX_UNZIPPED", 1 << 40)
    monkeypatch.setattr(readers, "MAX_RATIO", 1 << 30)
    monkeypatch.setattr(readers, "READ_MEMORY_MB", 700)
    with pytest.raises(Rejected) as e:
        read_table(zip_bomb_workbook(), "bomb.xlsx")
    assert "内存上限" in e.value.problems[0].reason
    monkeypatch.undo()                                                   # the usual limits again
    assert read_table(stray_cell_workbook(), "ok.xlsx").frame.shape == (1, 3)  # and this process goes on


MB = 1 << 20


@pytest.mark.parametrize("error,peak,limit_reached", [
    (python_calamine.XmlError("xml error: unexpected end of stream"), 549 * MB, False),  # 49 of 200 MB taken
    (python_calamine.XmlError("xml error: unexpected end of stream"), 550 * MB, True),   # 50 of 200: a quarter
    (python_calamine.XmlError("xml error: unexpected end of stream"), 699 * MB, True),
    (python_calamine.ZipError("Cannot allocate memory (os error 12)"), 500 * MB, True),  # ENOMEM, whatever the peak
    (BaseException("memory allocation of 549755813888 bytes failed"), 500 * MB, True),   # a Rust panic
    (BaseException("capacity overflow"), 500 * MB, True),
    (MemoryError(), 500 * MB, True),
    (ValueError("bad sheet"), 500 * MB, False),
])
def test_a_reader_error_is_the_memory_limit_when_it_says_so_or_came_near_it(error, peak, limit_reached):
    import board.readers as readers

    # the child began holding 500 MB of a 700 MB limit: 200 MB of room, a quarter of it is 50 MB
    assert readers._out_of_memory(error, 500 * MB, 700 * MB, peak) is limit_reached


def test_an_error_raised_from_an_allocation_failure_is_the_memory_limit():
    import board.readers as readers

    try:
        try:
            raise MemoryError()
        except MemoryError as exc:
            raise ValueError("could not read the sheet") from exc
    except ValueError as error:
        assert readers._out_of_memory(error, 500 * MB, 700 * MB, 500 * MB)


def _failing_reader(near_limit: bool):
    """An Excel reader that fails with an ordinary error (as python-calamine may under the memory limit), after
    taking all but 64 MB of the address space the limit leaves (`near_limit`) or straight away."""
    def sheets(data, mode):
        if near_limit:
            with open("/proc/self/status") as f:
                size = next(int(line.split()[1]) << 10 for line in f if line.startswith("VmSize:"))
            # mapped, never touched (no RAM taken) and dropped: the process's peak remembers it
            mmap.mmap(-1, resource.getrlimit(resource.RLIMIT_AS)[0] - size - 64 * MB).close()
        raise python_calamine.XmlError("xml error: unexpected end of stream")
    return sheets


@pytest.mark.parametrize("near_limit", [True, False], ids=["near-the-limit", "under-the-limit"])
def test_an_ordinary_reader_error_is_the_memory_limit_only_near_it(monkeypatch, near_limit):
    """The failure the bomb above meets only under load, forced: the same error is 内存上限 near the limit and
    损坏 well under it."""
    import board.readers as readers

    peak = readers._peak_address_space()
    # fork, not the forkserver, so that the child runs the reader patched here
    monkeypatch.setattr(readers, "_child_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(readers, "_excel_sheets", _failing_reader(near_limit))
    monkeypatch.setattr(readers, "READ_MEMORY_MB", (peak >> 20) + 400)
    with pytest.raises(Rejected) as e:
        read_table(stray_cell_workbook(), "ledger.xlsx")
    reasons = [p.reason for p in e.value.problems]
    if near_limit:
        assert len(reasons) == 1 and "内存上限（" in reasons[0] and "损坏" not in reasons[0]
    else:
        assert reasons == [readers.MSG_EXCEL_BROKEN]


def test_stray_cell_and_bomb_through_the_cli_exit_cleanly(roster_store, tmp_path):
    for name, data in (("stray.xlsx", stray_cell_workbook()), ("bomb.xlsx", zip_bomb_workbook())):
        (tmp_path / name).write_bytes(data)
    r = board("ingest", str(tmp_path / "stray.xlsx"), store=roster_store)
    assert r.returncode == 0 and "XFD1048576" in r.stdout, r.stderr
    r = board("ingest", str(tmp_path / "bomb.xlsx"), store=roster_store)
    assert r.returncode == 1 and "解压后有" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- SIGKILL during a partial commit


def test_sigkill_during_a_partial_commit_leaves_old_or_new(tmp_path):
    cmd = [sys.executable, "-m", "board", "ingest", str(REAL / "baltimore_311_sample_2019.csv"), "--dataset",
           "hazards", "--add-towns", "--partial", *_baltimore_args(), "--user", "crash"]
    rng = random.Random(11)
    outcomes = []
    for trial in range(8):
        store = tmp_path / f"s{trial}"
        proc = subprocess.Popen(cmd + ["--store", str(store)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        while proc.poll() is None and not any(store.rglob(".*.tmp")):
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.05))
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        s = Store(store)
        events = s.events()
        if not events:
            outcomes.append("old")
        else:
            assert [(e["dataset"], e["rows"], e.get("set_aside", 0)) for e in events] == \
                   [("towns", 14, 0), ("hazards", 9112, 888)]
            assert len(set_aside_rows(s, s.batch("b0002"))) == 888
            outcomes.append("new")
        # nobody cleans up: the same command simply works next time
        again = subprocess.run(cmd + ["--store", str(store)], cwd=ROOT, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert json.loads(board("batches", "--json", store=store).stdout)[-1]["set_aside"] == 888
        named = {e.get(k) for e in s.events() for k in ("archive", "parquet", "set_aside_file")}
        on_disk = {p.relative_to(store).as_posix() for p in store.rglob("*")
                   if p.is_file() and p.relative_to(store).parts[0] in ("archive", "batches")}
        assert on_disk <= named and not list(store.rglob(".*.tmp"))
    assert "old" in outcomes


def test_date_times_count_as_their_date():
    from board.parse import parse_dates

    values, bad = parse_dates(pd.Series(["2024-10-05 14:23:11", "2024/10/5 16:30", "2024-10-05T08:00:00",
                                         "2024年10月5日 9时30分"]))
    assert not bad.any() and set(values.dt.strftime("%Y-%m-%d")) == {"2024-10-05"}
    values, bad = parse_dates(pd.Series([D(2024, 10, 5, 23, 59, 59)]))
    assert values.iloc[0] == pd.Timestamp("2024-10-05") and not bad.any()


@pytest.mark.parametrize("written,level", [("一次提醒", 1), ("二次警示", 2), ("约谈", 2), ("三次执法", 3),
                                           ("移送执法", 3), ("2 警示", 2), ("0", 0)])
def test_escalation_spellings(written, level):
    from board.ingest import _escalations, _vocabularies

    values, bad = _escalations(pd.Series([written]), _vocabularies({})["escalation"])
    assert not bad.any() and values.iloc[0] == level


@pytest.mark.parametrize("written,number", [("12", 12), ("第12期", 12), ("12期", 12), ("第十二期", 12),
                                            ("第一百零三期", 103), ("2024年第3期", 3)])
def test_notice_number_spellings(written, number):
    from board.ingest import _notice_numbers

    values, bad = _notice_numbers(pd.Series([written]))
    assert not bad.any() and values.iloc[0] == number


def test_a_notice_number_that_is_not_one_is_a_problem():
    from board.ingest import _notice_numbers

    _, bad = _notice_numbers(pd.Series(["第几期", "十二月"]))
    assert bad.tolist() == [True, True]
