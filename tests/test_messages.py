"""Every message in plain Chinese and true: pandera's checks, file-level errors, the CLI's own argument errors."""

import io
import re
import subprocess
import sys

import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from board import messages
from board.ingest import ingest, ingest_path
from conftest import ROOT
from test_ingest import TOWNS_CSV
from test_store import snapshot

CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(text: str) -> bool:
    return bool(CJK.search(text or ""))


@pytest.fixture
def towns_store(store):
    assert ingest(store, TOWNS_CSV.encode(), "镇街名单.csv", user="analyst").committed
    return store


def refused(store, data: bytes, name: str, **kw):
    before = snapshot(store.path)
    r = ingest(store, data, name, user="analyst", **kw)
    assert not r.ok and not r.committed
    assert snapshot(store.path) == before
    assert "Traceback" not in r.text() and "codec" not in r.text() and "Error" not in r.text()
    return r


# every built-in pandera check, with arguments, and a value that fails it
BUILTIN = [
    (pandera.Check.in_range(-180, 180), 200.0, ["-180", "180"]),
    (pandera.Check.ge(0), -1.0, []),
    (pandera.Check.ge(5), 1.0, ["5"]),
    (pandera.Check.gt(0), 0.0, ["0"]),
    (pandera.Check.le(10), 11.0, ["10"]),
    (pandera.Check.lt(10), 10.0, ["10"]),
    (pandera.Check.eq(3), 1.0, ["3"]),
    (pandera.Check.ne(3), 3.0, ["3"]),
    (pandera.Check.isin(["一般", "较大"]), "特别", ["一般", "较大"]),
    (pandera.Check.notin(["无"]), "无", ["无"]),
    (pandera.Check.str_matches(r"^H\d+$"), "X", []),
    (pandera.Check.str_contains("镇"), "街道", ["镇"]),
    (pandera.Check.str_startswith("33"), "44", ["33"]),
    (pandera.Check.str_endswith("镇"), "街道", ["镇"]),
    (pandera.Check.str_length(2, 4), "一", ["2", "4"]),
    (pandera.Check.unique_values_eq(["a", "b"]), "c", []),
]


@pytest.mark.parametrize("check, value, bounds", BUILTIN, ids=[str(c) for c, _, _ in BUILTIN])
def test_every_pandera_check_reads_in_chinese_with_its_bounds(check, value, bounds):
    frame = pd.DataFrame({"v": [value]})
    with pytest.raises(pandera.errors.SchemaErrors) as e:
        pandera.DataFrameSchema({"v": pandera.Column(checks=[check])}).validate(frame, lazy=True)
    names = set(e.value.failure_cases["check"].astype(str))
    for name in names:
        reason = messages.check_reason(name)
        assert chinese(reason), (name, reason)
        assert all(b in reason for b in bounds), (name, reason)
        assert "(" not in reason.replace("（", "") or "应符合" in reason


@pytest.mark.parametrize("name", ["not_nullable", "field_uniqueness", "dtype('int64')", "column_in_dataframe",
                                  "some_future_check(1, 2)", "<lambda>"])
def test_pandera_names_outside_the_list_still_read_in_chinese(name):
    assert chinese(messages.check_reason(name))


TOWNS_BAD = ("镇街代码,镇街名称,常住人口,面积,网格数,经度,纬度\n"
             "A01,甲镇,-5,0,-1,200,95\n"
             "A01,,abc,x,1.5,东经,北纬\n"
             ",乙镇,1,1,1,121,29\n")
HAZARDS_BAD = ("隐患编号,所属镇街,隐患等级,发现日期,整改期限,整改完成日期,销号日期,督办层级,晾晒期号,经度,纬度\n"
               "H1,甲镇,特别重大,2099-01-01,2022-11-01,2022-10-01,2022-09-01,9,-3,200,\n"
               "H1,不存在镇,一般,明天,x,y,z,提醒,1.5,abc,95\n"
               ",,一般,,,,2022-12-01,,,121,29\n")
INSPECTIONS_BAD = ("检查编号,检查日期,所属镇街,检查点位数,发现隐患数\n"
                   "J1,2099-01-01,甲镇,-1,-2\nJ1,,无此镇,x,1.5\n")
INDICATORS_BAD = "月份,所属镇街,刑事案件数\n2022-13,甲镇,x\n2022-12,无此镇,1\n2022-12,甲镇,1\n2022-12,甲镇,2\n"


@pytest.mark.parametrize("name, text, dataset", [
    ("镇街.csv", TOWNS_BAD, "towns"), ("台账.csv", HAZARDS_BAD, "hazards"),
    ("检查.csv", INSPECTIONS_BAD, "inspections"), ("指标.csv", INDICATORS_BAD, "indicators")])
def test_every_rule_failure_reads_in_chinese(towns_store, name, text, dataset):
    r = refused(towns_store, text.encode(), name, dataset=dataset)
    reasons = {p.reason for p in r.problems}
    assert len(reasons) >= 3, reasons
    ascii_only = [p for p in reasons if not chinese(p)]
    assert ascii_only == [], ascii_only
    assert not any(re.search(r"[a-z_]+\(", p) for p in reasons), reasons     # no check names


def test_lon_lat_and_counts_name_their_bounds(towns_store):
    r = refused(towns_store, TOWNS_BAD.encode(), "镇街.csv", dataset="towns")
    by_column = {(p.column, p.row): p.reason for p in r.problems}
    assert by_column[("经度", 2)] == "应在 -180 到 180 之间"
    assert by_column[("纬度", 2)] == "应在 -90 到 90 之间"
    assert by_column[("常住人口", 2)] == "不能为负数"
    assert by_column[("面积", 2)] == "应大于 0"


def test_a_directory_is_called_a_folder(towns_store, tmp_path):
    (tmp_path / "导出").mkdir()
    r = ingest_path(towns_store, tmp_path / "导出")
    assert not r.ok and "文件夹" in r.problems[0].reason and "directory" not in r.text().lower()


def raw_bytes_parquet() -> bytes:
    t = pa.table({"隐患编号": pa.array([b"H1", b"\xff\xfe\x00\x01\x80"], pa.binary()),
                  "所属镇街": ["甲镇", "甲镇"], "发现日期": ["2022-12-01", "2022-12-02"]})
    out = io.BytesIO()
    pq.write_table(t, out)
    return out.getvalue()


def mixed_encoding_csv() -> bytes:
    # rows 2 and 3 in UTF-8, row 4 pasted in from a GBK file, row 5 UTF-8 again
    return ("隐患编号,所属镇街,发现日期,问题描述\nH1,甲镇,2022-12-01,正常\nH2,甲镇,2022-12-02,正常\n".encode()
            + "H3,甲镇,2022-12-03,消防通道堵塞\n".encode("gbk") + "H4,甲镇,2022-12-04,正常\n".encode())


def huge_header_csv() -> bytes:
    return ("隐患编号,所属镇街,发现日期," + "长" * 400_000 + "\nH1,甲镇,2022-12-01,x\n").encode()  # 1.2 MB cell


def test_a_parquet_id_column_of_raw_bytes_is_refused_in_chinese(towns_store):
    r = refused(towns_store, raw_bytes_parquet(), "台账.parquet")
    p = r.problems[0]
    assert (p.row, p.column) == (3, "隐患编号") and "二进制" in p.reason


def test_a_mixed_encoding_csv_names_the_first_line_utf8_cannot_read(towns_store):
    p = refused(towns_store, mixed_encoding_csv(), "台账.csv").problems[0]
    assert p.row == 4 and "编码" in p.reason


def test_a_megabyte_header_is_called_what_it_is(towns_store):
    p = refused(towns_store, huge_header_csv(), "台账.csv").problems[0]
    assert "表头" in p.reason and "空" not in p.reason


def test_a_header_with_no_line_end_in_the_first_megabyte(towns_store):
    p = refused(towns_store, ("隐患编号,所属镇街," + "长," * 600_000).encode(), "台账.csv").problems[0]
    assert "表头" in p.reason and "空" not in p.reason


def test_an_unclosed_quote_in_the_last_row_is_said(towns_store):
    data = "隐患编号,所属镇街,发现日期\nH1,甲镇,2022-12-01\n\"H2,甲镇,2022-12-02\n".encode()
    p = refused(towns_store, data, "台账.csv").problems[0]
    assert p.row == 3 and "引号" in p.reason


def cli(*args):
    return subprocess.run([sys.executable, "-m", "board", *args], cwd=str(ROOT), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


@pytest.mark.parametrize("args", [
    ("metrics",), ("frobnicate",), ("ingest",), ("metrics", "--period", "2022-12", "--as-of", "2022-13-45"),
    ("ingest", "x.csv", "--dataset", "foo"), ("metrics", "--period", "2022-12", "--bogus"),
    ("metrics", "--period", "9999-12"), ("metrics", "--period", "0001"),
])
def test_the_command_line_argues_in_chinese(args, tmp_path):
    out = cli(*args, *(["--store", str(tmp_path / "s")] if args[0] == "metrics" and "--bogus" not in args else []))
    assert out.returncode != 0
    err = out.stderr.strip().splitlines()[-1]
    assert chinese(err), out.stderr
    for english in ("error:", "required", "invalid", "unrecognized", "out of range", "usage:", "Traceback"):
        assert english not in out.stderr, out.stderr
