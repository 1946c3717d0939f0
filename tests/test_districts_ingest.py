"""The city level's uploads: a districts list (区县名单), a town's district (所属区县), and a town name that two
districts share, read within the row's district. Two districts, 甲区 (330201) and 乙县 (330202), each with a
town named 城关镇 under its own code."""

import pytest

from board import db
from board.ingest import detect_dataset, ingest
from board.schema import arrow_schema
from test_store import snapshot

DISTRICTS = "区县代码,区县名称,常住人口,别名\n330201,甲区,500000,甲\n330202,乙县,\"300,000\",乙\n"
TOWNS = ("镇街代码,镇街名称,所属区县\n"
         "330201001,城关镇,甲区\n"          # by name
         "330201002,东湖街道,330201\n"      # by code
         "330202001,城关镇,乙县\n"          # the same name, the other district
         "330202002,西山乡,乙\n")           # by alias


def committed(store, text, name, **kw):
    r = ingest(store, text.encode(), name, user=kw.pop("user", "市分析员"), **kw)
    assert r.committed, r.text()
    return r


def refused(store, text, name="文件.csv", **kw):
    before = snapshot(store.path)
    r = ingest(store, text.encode(), name, user=kw.pop("user", "市分析员"), **kw)
    assert not r.ok and not r.committed, r.text()
    assert snapshot(store.path) == before
    assert "Traceback" not in r.text()
    return r


@pytest.fixture
def city(store):
    committed(store, DISTRICTS, "区县名单.csv")
    committed(store, TOWNS, "镇街名单.csv")
    return store


def rows(store, sql):
    return db.connect(store.state()).execute(sql).fetchall()


# -- the districts list ------------------------------------------------------------------


NO_INDICATORS = {"components": []}


def test_districts_file_is_told_from_a_towns_file_by_its_headers():
    assert detect_dataset(["区县代码", "区县名称", "常住人口", "别名"], NO_INDICATORS, "x") == "districts"
    assert detect_dataset(["区县代码", "区县名称"], NO_INDICATORS, "x") == "districts"
    assert detect_dataset(["镇街代码", "镇街名称", "所属区县"], NO_INDICATORS, "x") == "towns"
    assert detect_dataset(["镇街代码", "镇街名称", "区县名称", "常住人口"], NO_INDICATORS, "x") == "towns"


def test_districts_upload_lists_each_district_with_its_population(store):
    r = committed(store, DISTRICTS, "区县名单.csv")
    assert r.dataset == "districts" and (r.rows, r.added, r.updated) == (2, 2, 0)
    assert rows(store, "select district_code, district_name, population, aliases from districts order by 1") == [
        ("330201", "甲区", 500000, "甲"), ("330202", "乙县", 300000, "乙")]


@pytest.mark.parametrize("text, column, reason", [
    ("区县代码,区县名称\n330201,甲区\n330201,乙县\n", "区县代码", "编号在文件中重复"),
    ("区县代码,区县名称\n,甲区\n", "区县代码", "必填，不能为空"),
    ("区县代码,区县名称\n330201,\n", "区县名称", "必填，不能为空"),
    ("区县代码,区县名称,常住人口\n330201,甲区,五十万\n", "常住人口", "应为整数"),
])
def test_districts_file_problems_are_refused_by_row(store, text, column, reason):
    r = refused(store, text, dataset="districts")
    assert any(p.column == column and p.reason == reason for p in r.problems), r.text()


@pytest.mark.parametrize("text, column, key", [
    ("区县代码,区县名称\n330203,甲区\n", "区县名称", "甲区"),            # a new district under a listed name
    ("区县代码,区县名称,别名\n330203,丙区,乙\n", "别名", "乙"),           # an alias 乙县 already has
])
def test_a_district_name_or_alias_of_two_districts_is_refused_naming_both(city, text, column, key):
    r = refused(city, text)
    p = r.problems[0]
    assert p.column == column and p.row == 2, r.text()
    assert f"“{key}”会同时指向两个区县" in p.reason and "330203" in p.reason, p.reason


def test_a_district_renamed_keeps_its_old_name_as_an_alias(city):
    r = committed(city, "区县代码,区县名称\n330202,乙区\n", "改名.csv")
    assert any("区县 330202 改名：乙县 → 乙区" in n for n in r.notices), r.notices
    # a towns file written before the rename still names the district by its old name
    r = committed(city, "镇街代码,镇街名称,所属区县\n330202003,南溪镇,乙县\n", "新镇街.csv")
    assert rows(city, "select district_code from towns where town_code = '330202003'") == [("330202",)]


# -- a town's district -------------------------------------------------------------------------


def test_a_towns_district_is_stored_as_its_code_by_code_name_or_alias(city):
    # 城关镇 by name 甲区, 东湖街道 by code, 城关镇 by name 乙县, 西山乡 by the alias 乙
    assert rows(city, "select town_code, district_code from towns order by 1") == [
        ("330201001", "330201"), ("330201002", "330201"), ("330202001", "330202"), ("330202002", "330202")]


def test_a_towns_district_is_read_like_a_town_name_whatever_the_width_and_spaces(city):
    committed(city, "镇街代码,镇街名称,所属区县\n330202003,南溪镇, 乙　县 \n", "镇街2.csv")
    assert rows(city, "select district_code from towns where town_code = '330202003'") == [("330202",)]


def test_an_unknown_district_is_a_problem_of_its_row(city):
    r = refused(city, "镇街代码,镇街名称,所属区县\n330203001,北山镇,丙区\n330201003,新街道,甲区\n")
    assert [(p.row, p.column, p.value, p.reason) for p in r.problems] == [
        (2, "所属区县", "丙区", "区县不在区县名单中（代码、名称或别名都对不上）")]


def test_a_district_in_a_store_without_districts_asks_for_the_list_first(store):
    r = refused(store, "镇街代码,镇街名称,所属区县\n330201001,城关镇,甲区\n")
    assert r.problems[0].reason == "区县不在区县名单中（代码、名称或别名都对不上）；请先上传区县名单"


def test_once_districts_are_listed_every_town_names_its_district(city):
    r = refused(city, "镇街代码,镇街名称,所属区县\n330201003,新街道,\n330201004,老街道,甲区\n")
    assert [(p.row, p.column) for p in r.problems] == [(2, "所属区县")]
    assert r.problems[0].reason.startswith("所属区县为空")
    r = refused(city, "镇街代码,镇街名称\n330201003,新街道\n")
    assert r.structural and "缺少“所属区县”列" in r.problems[0].reason


def test_a_one_district_store_takes_towns_without_a_district_as_before(store):
    committed(store, "镇街代码,镇街名称\nA01,甲镇\n", "镇街名单.csv")
    assert rows(store, "select town_code, district_code from towns") == [("A01", None)]


# -- one town name in two districts ----------------------------------------------------------------


def test_the_same_town_name_in_two_districts_is_accepted(city):
    assert rows(city, "select town_code from towns where town_name = '城关镇' order by 1") == [
        ("330201001",), ("330202001",)]


def test_the_same_town_name_twice_in_one_district_is_refused_naming_both(city):
    r = refused(city, "镇街代码,镇街名称,所属区县\n330201009,城关镇,甲区\n")
    p = r.problems[0]
    assert p.row == 2 and p.column == "镇街名称", r.text()
    assert "“城关镇”会同时指向两个镇街" in p.reason and "同一区县内" in p.reason
    assert "330201001" in p.reason and "330201009" in p.reason and "330202001" not in p.reason


def test_a_town_code_is_one_town_whatever_the_district(city):
    # a new town named like another town's code would make the code name two towns
    r = refused(city, "镇街代码,镇街名称,所属区县\n330202009,330201001,乙县\n")
    assert "会同时指向两个镇街" in r.problems[0].reason


def test_a_shared_name_resolves_within_the_rows_district(city):
    text = ("隐患编号,所属镇街,所属区县,发现日期\n"
            "H1,城关镇,甲区,2022-12-01\n"
            "H2,城关镇,乙县,2022-12-02\n"
            "H3,东湖街道,,2022-12-03\n")   # a name only one district has needs no district
    committed(city, text, "台账.csv")
    assert rows(city, "select hazard_id, town_code from hazards order by 1") == [
        ("H1", "330201001"), ("H2", "330202001"), ("H3", "330201002")]


def test_the_rows_district_is_not_stored(city):
    r = ingest(city, "隐患编号,所属镇街,所属区县,发现日期\nH1,城关镇,甲区,2022-12-01\n".encode(), "台账.csv",
               user="a", dry_run=True)
    assert r.ok and r.mapping["district"] == "所属区县", r.text()
    assert r.tables[-1][1].schema.names == [n for n in arrow_schema("hazards").names if n != "batch_seq"]
    assert "district_code" not in r.tables[-1][1].schema.names and "district" not in r.tables[-1][1].schema.names


def test_a_shared_name_without_a_district_is_refused_naming_the_districts(city):
    r = refused(city, "隐患编号,所属镇街,发现日期\nH1,城关镇,2022-12-01\nH2,330201001,2022-12-01\n")
    assert [(p.row, p.column, p.value, p.reason) for p in r.problems] == [
        (2, "所属镇街", "城关镇", "镇街名称“城关镇”在 甲区、乙县 都有：请写镇街代码，或加一列“所属区县”")]


def test_a_code_whose_town_is_in_another_district_than_the_row_says_is_refused(city):
    r = refused(city, "隐患编号,所属镇街,所属区县,发现日期\nH1,330202001,甲区,2022-12-01\n"
                      "H2,330201001,甲区,2022-12-01\n")
    assert [(p.row, p.reason) for p in r.problems] == [
        (2, "镇街“城关镇”属于“乙县”，与本行的所属区县“甲区”不一致")]


def test_an_unknown_district_on_a_ledger_row_is_a_problem_of_that_row(city):
    r = refused(city, "隐患编号,所属镇街,所属区县,发现日期\nH1,东湖街道,丙区,2022-12-01\n")
    assert any(p.column == "所属区县" and p.reason == "区县不在区县名单中（代码、名称或别名都对不上）"
               for p in r.problems), r.text()


def test_a_scoped_uploader_reads_a_shared_name_within_its_districts(city):
    text = "隐患编号,所属镇街,发现日期\nH1,城关镇,2022-12-01\n"
    committed(city, text, "台账.csv", user="张三", scope=frozenset({"乙县"}))
    assert rows(city, "select town_code from hazards") == [("330202001",)]
    # an account of both districts is no help: the name is still two towns
    r = refused(city, text, "台账2.csv", user="李四", scope=frozenset({"330201", "330202"}))
    assert r.problems[0].reason.startswith("镇街名称“城关镇”在 甲区、乙县 都有")


@pytest.mark.parametrize("dataset, text", [
    ("inspections", "检查编号,检查日期,所属镇街,所属区县\nI1,2022-12-01,城关镇,乙县\n"),
    ("grids", "网格编码,网格名称,所属镇街,所属区县\nG1,一网格,城关镇,乙县\n"),
    ("indicators", "统计月份,所属镇街,所属区县,刑事案件数\n2022-12,城关镇,乙县,3\n"),
])
def test_inspections_grids_and_indicators_read_a_shared_name_within_the_rows_district(city, dataset, text):
    r = committed(city, text, f"{dataset}.csv")
    assert r.dataset == dataset
    assert rows(city, f"select town_code from {dataset}") == [("330202001",)]
    r = refused(city, text.replace(",乙县", ",").replace("1,", "2,", 1), f"{dataset}-2.csv", dataset=dataset)
    assert any("在 甲区、乙县 都有" in p.reason for p in r.problems), r.text()


def test_a_ledger_with_a_district_column_in_a_one_district_store_loads_as_before(store):
    committed(store, "镇街代码,镇街名称\nA01,甲镇\n", "镇街名单.csv")
    r = committed(store, "隐患编号,所属镇街,所属区县,发现日期\nH1,甲镇,鄞州区,2022-12-01\n", "台账.csv")
    assert any("“所属区县”列未使用" in n for n in r.notices), r.notices
    assert rows(store, "select hazard_id, town_code from hazards") == [("H1", "A01")]


def test_new_towns_from_a_ledger_take_the_rows_district(city):
    text = "隐患编号,所属镇街,所属区县,发现日期\nH1,南溪镇,乙县,2022-12-01\n"
    r = committed(city, text, "台账.csv", add_towns=True)
    assert r.new_towns == ["南溪镇"]
    assert rows(city, "select town_code, district_code from towns where town_name = '南溪镇'") == [
        ("南溪镇", "330202")]


def test_new_towns_without_a_district_are_refused_once_districts_are_listed(city):
    r = refused(city, "隐患编号,所属镇街,发现日期\nH1,南溪镇,2022-12-01\n", add_towns=True)
    assert r.problems[0].reason.startswith("新镇街“南溪镇”不知道属于哪个区县")
