"""The demo district generator: deterministic, consistent, and shaped like real exports."""

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from tools import demo

FIRST, LAST = pd.Timestamp("2023-11-01"), pd.Timestamp("2026-10-31")


@pytest.fixture(scope="module")
def district() -> demo.DemoDistrict:
    return demo.generate()


@pytest.fixture(scope="module")
def hazards(district) -> pd.DataFrame:
    return district.hazards


def town_lookup(towns: pd.DataFrame) -> dict[str, str]:
    """Every code, name and alias → town code."""
    lookup = {}
    for row in towns.itertuples(index=False):
        code, name, aliases = row[0], row[1], row[8]
        for key in [code, name, *aliases.split("、")]:
            lookup[key] = code
    return lookup


def test_same_seed_gives_identical_district(district):
    again = demo.generate()
    for name in ("towns", "hazards", "inspections", "indicators"):
        pd.testing.assert_frame_equal(getattr(district, name), getattr(again, name))
    assert district.boundaries == again.boundaries


def test_another_seed_gives_another_district(district):
    other = demo.generate(seed=7, hazard_rows=500)
    assert not other.hazards["隐患编号"].equals(district.hazards["隐患编号"].head(500))
    assert other.boundaries != district.boundaries


def test_towns_are_24_with_unique_text_codes(district):
    towns = district.towns
    assert list(towns.columns) == ["镇街代码", "镇街名称", "类型", "常住人口", "面积(平方公里)", "网格数", "经度", "纬度", "别名"]
    assert len(towns) == 24
    assert towns["镇街代码"].is_unique and towns["镇街名称"].is_unique
    assert towns["镇街代码"].str.fullmatch(r"\d{9,12}").all()
    assert set(towns["类型"]) == {"街道", "镇", "乡", "园区"}
    assert towns["常住人口"].between(20_000, 180_000).all()
    # aliases must not point at two towns, or a hazard's town would be ambiguous
    keys = [k for a in towns["别名"] for k in a.split("、")] + list(towns["镇街名称"]) + list(towns["镇街代码"])
    assert len(keys) == len(set(keys))


def test_every_hazard_town_reference_resolves(district, hazards):
    lookup = town_lookup(district.towns)
    refs = hazards["所属镇街"]
    assert refs.isin(lookup.keys()).all()
    # exports mix names (~80%), codes (~15%) and aliases (~5%)
    by_name = refs.isin(district.towns["镇街名称"]).mean()
    by_code = refs.isin(district.towns["镇街代码"]).mean()
    assert 0.75 < by_name < 0.85 and 0.12 < by_code < 0.18 and 0.03 < 1 - by_name - by_code < 0.07


def test_hazards_have_the_export_columns_and_types(hazards):
    assert list(hazards.columns) == [
        "隐患编号", "所属镇街", "隐患类别", "发现渠道", "隐患等级", "问题描述", "责任主体", "详细地址", "经度", "纬度",
        "责任部门", "包案领导", "发现日期", "整改期限", "整改完成日期", "销号日期", "督办层级", "执法结果", "晾晒期号",
    ]
    for col in ("发现日期", "整改期限", "整改完成日期", "销号日期"):
        assert pd.api.types.is_datetime64_dtype(hazards[col])
        assert (hazards[col].dropna() == hazards[col].dropna().dt.normalize()).all()
    assert str(hazards["督办层级"].dtype) == "Int64" and str(hazards["晾晒期号"].dtype) == "Int64"
    assert hazards["隐患编号"].is_unique
    assert hazards["隐患编号"].str.fullmatch(r"YH\d{13}").all()
    # the id carries the found date
    assert (hazards["隐患编号"].str[2:10] == hazards["发现日期"].dt.strftime("%Y%m%d")).all()


def test_volume_is_about_15000_a_year_within_the_fixed_window(hazards):
    assert len(hazards) == 45_000
    assert hazards["发现日期"].min() >= FIRST and hazards["发现日期"].max() == LAST
    for col in ("整改完成日期", "销号日期"):
        assert hazards[col].max() <= LAST


def test_severity_mix(hazards):
    share = hazards["隐患等级"].value_counts(normalize=True)
    assert 0.82 < share["一般"] < 0.88 and 0.10 < share["较大"] < 0.16 and 0.01 < share["重大"] < 0.03


def test_dates_never_run_backwards(hazards):
    found, deadline = hazards["发现日期"], hazards["整改期限"]
    rectified, closed = hazards["整改完成日期"], hazards["销号日期"]
    assert (deadline > found).all()
    assert not (rectified < found).any()
    assert not (closed < rectified).any()
    assert not (closed.notna() & rectified.isna()).any()
    # most are crossed off, a few are still open and a few rectified but awaiting acceptance
    assert 0.95 < closed.notna().mean() < 0.995
    assert rectified.isna().sum() > 100
    assert (rectified.notna() & closed.isna()).sum() > 50


def test_recurrences_within_60_days_exist(hazards):
    h = hazards[["责任主体", "隐患类别", "发现日期", "销号日期"]].reset_index()
    closed = h[h["销号日期"].notna()]
    pairs = closed.merge(h, on=["责任主体", "隐患类别"], suffixes=("", "_next"))
    gap = pairs["发现日期_next"] - pairs["销号日期"]
    hit = pairs[(gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(days=60))]
    rate = hit["index"].nunique() / len(closed)
    assert 0.01 < rate < 0.06


def test_some_hazards_are_aired_by_monthly_notice(hazards):
    aired = hazards["晾晒期号"].notna()
    assert 0.03 < aired.mean() < 0.07
    months = (hazards["发现日期"].dt.year - 2023) * 12 + hazards["发现日期"].dt.month - 10
    # one notice a month, numbered from 1 (2023-11) on
    assert (hazards.loc[aired, "晾晒期号"] == months[aired]).all()
    assert hazards["晾晒期号"].min() == 1


def test_escalation_is_mostly_none_and_enforcement_only_at_level_3(hazards):
    level = hazards["督办层级"]
    assert set(level.unique()) == {0, 1, 2, 3}
    assert (level == 0).mean() > 0.8
    enforced = hazards["执法结果"].notna()
    assert enforced.any() and (level[enforced] == 3).all()
    assert set(hazards.loc[enforced, "执法结果"]) <= {"关停", "取缔", "罚款", "责令整改"}
    # escalated hazards are the late ones
    done = hazards["整改完成日期"].fillna(LAST)
    assert (done[level > 0] > hazards.loc[level > 0, "整改期限"]).all()


def test_leaders_mostly_on_serious_hazards(hazards):
    led = hazards["包案领导"].notna()
    assert 0.02 < led.mean() < 0.04
    assert hazards.loc[led, "隐患等级"].isin(["较大", "重大"]).mean() > 0.8


def test_towns_improve_and_fall_behind(district):
    lookup = town_lookup(district.towns)
    h = district.hazards.assign(
        town=district.hazards["所属镇街"].map(lookup),
        year=district.hazards["发现日期"].dt.year,
        on_time=district.hazards["整改完成日期"] <= district.hazards["整改期限"],
    )
    rate = h[h["year"].isin([2024, 2026])].groupby(["town", "year"])["on_time"].mean().unstack()
    change = rate[2026] - rate[2024]
    assert (change > 0.05).sum() >= 3 and (change < -0.05).sum() >= 3


def test_boundaries_are_one_valid_polygon_per_town(district):
    features = district.boundaries["features"]
    assert district.boundaries["type"] == "FeatureCollection" and len(features) == 24
    codes = [f["properties"]["town_code"] for f in features]
    assert sorted(codes) == sorted(district.towns["镇街代码"])
    polygons = [shape(f["geometry"]) for f in features]
    assert all(p.geom_type == "Polygon" and p.is_valid for p in polygons)
    # neighbours share edges but never overlap
    assert shapely.union_all(polygons).area == pytest.approx(sum(p.area for p in polygons), rel=1e-6)
    centres = district.towns.set_index("镇街代码")
    for code, polygon in zip(codes, polygons):
        assert polygon.contains(shapely.Point(centres.at[code, "经度"], centres.at[code, "纬度"]))
        xy = np.array(polygon.exterior.coords)
        assert (np.round(xy, 5) == xy).all()


def test_hazard_rows_gives_exactly_that_many_unique_ids():
    hazards = demo.generate(hazard_rows=1000).hazards
    assert len(hazards) == 1000
    assert hazards["隐患编号"].is_unique


def test_inspections(district):
    ins = district.inspections
    assert list(ins.columns) == ["检查编号", "检查日期", "所属镇街", "检查类型", "被检查单位", "检查点位数", "发现隐患数"]
    assert ins["检查编号"].is_unique
    assert ins["检查点位数"].between(5, 60).all() and (ins["发现隐患数"] >= 0).all()
    assert ins["检查日期"].between(FIRST, LAST).all()
    assert set(ins["所属镇街"]) == set(district.towns["镇街名称"])
    woodpecker = ins[ins["检查类型"] == "第三方(啄木鸟)"]
    # 8 units a month plus every town once a quarter (12 quarterly rounds in the window)
    assert len(woodpecker) == 8 * 36 + 24 * 12


def test_indicators_one_row_per_town_per_month(district):
    ind = district.indicators
    assert len(ind) == 24 * 36
    assert not ind.duplicated(["统计月份", "所属镇街"]).any()
    assert ind["统计月份"].min() == "2023-11" and ind["统计月份"].max() == "2026-10"
    assert ind["刑事案件数"].between(0, 40).all() and ind["道路交通亡人数"].between(0, 2).all()
    assert ind["生产安全事故数"].between(0, 3).all() and ind["电诈发案数"].between(0, 30).all()
    assert ind["群众安全感满意率"].str.fullmatch(r"\d{2}\.\d{2}%").all()
    satisfaction = ind["群众安全感满意率"].str.rstrip("%").astype(float)
    assert satisfaction.between(92, 99.5).all()


def test_write_exports_writes_readable_files(tmp_path):
    paths = demo.write_exports(tmp_path / "out", hazard_rows=300)
    assert set(paths) == {"towns", "hazards", "inspections", "indicators", "boundaries", "grids", "grid_events"}
    assert paths["towns"].read_bytes().startswith(b"\xef\xbb\xbf")
    towns = pd.read_csv(paths["towns"], encoding="utf-8-sig", dtype={"镇街代码": str})
    assert len(towns) == 24 and towns["镇街代码"].str.startswith("330212").all()
    hazards = pd.read_parquet(paths["hazards"])
    assert len(hazards) == 300 and hazards["隐患编号"].is_unique
    assert len(pd.read_parquet(paths["inspections"])) > 0
    assert not paths["indicators"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(pd.read_csv(paths["indicators"], encoding="utf-8")) == 24 * 36
    assert len(json.loads(paths["boundaries"].read_text("utf-8"))["features"]) == 24
