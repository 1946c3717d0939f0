"""Boundary uploads: every feature names a town of the store and is a valid lon/lat polygon; problems in Chinese."""

import json

import pytest

from board import boundaries
from board.ingest import ingest
from test_ingest import TOWNS_CSV

SQUARE = [[[121.0, 29.0], [121.1, 29.0], [121.1, 29.1], [121.0, 29.1], [121.0, 29.0]]]


def feature(props, coords=SQUARE, kind="Polygon"):
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": coords}}


def fc(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


@pytest.fixture
def towns_store(store):
    assert ingest(store, TOWNS_CSV.encode(), "镇街名单.csv", user="a").committed   # A01 甲镇, B02 乙街道
    return store


def test_features_by_code_name_or_alias_are_saved_with_the_stores_code_and_name(towns_store):
    c = boundaries.check_for_store(towns_store, fc(feature({"town_code": "A01"}),
                                                   feature({"town_name": "乙街"}, [SQUARE], "MultiPolygon")))
    assert c.ok and c.towns_covered == 2 and c.towns_missing == []
    assert [f["properties"] for f in c.doc["features"]] == [{"town_code": "A01", "town_name": "甲镇"},
                                                            {"town_code": "B02", "town_name": "乙街道"}]
    event = towns_store.save_boundaries(c.doc, "a")
    assert towns_store.state().boundaries == event["path"]


def test_a_town_without_a_boundary_is_a_notice_not_a_problem(towns_store):
    c = boundaries.check_for_store(towns_store, fc(feature({"town_code": "A01"})))
    assert c.ok and c.towns_missing == ["乙街道"]


BOWTIE = [[[121.0, 29.0], [121.1, 29.1], [121.1, 29.0], [121.0, 29.1], [121.0, 29.0]]]
PROJECTED = [[[500000, 3200000], [510000, 3200000], [510000, 3210000], [500000, 3200000]]]


@pytest.mark.parametrize("data, fragment", [
    (b"", "JSON"),
    (b"\xff\xfe\x00garbage", "UTF-8"),
    (b'{"type": "Feature"}', "FeatureCollection"),
    (fc(), "没有任何要素"),
    (fc(feature({"town_code": "Z99"})), "第 1 个要素（Z99）：镇街不在镇街名单中"),
    (fc(feature({"name": "甲镇"})), "没有 town_code 或 town_name"),
    (fc(feature({"town_code": "A01"}), feature({"town_name": "甲镇"})), "与第 1 个要素是同一个镇街"),
    (fc(feature({"town_code": "A01"}, [121.0, 29.0], "Point")), "应为 Polygon 或 MultiPolygon"),
    (fc(feature({"town_code": "A01"}, BOWTIE)), "边界自相交"),
    (fc(feature({"town_code": "A01"}, PROJECTED)), "超出经纬度范围"),
    (fc(feature({"town_code": "A01"}, [[[1, 2]]])), "多边形"),
])
def test_bad_boundaries_are_refused_with_a_reason(towns_store, data, fragment):
    c = boundaries.check_for_store(towns_store, data)
    assert not c.ok and c.doc is None
    assert any(fragment in p for p in c.problems), c.problems


def test_no_town_list_yet(store):
    c = boundaries.check_for_store(store, fc(feature({"town_code": "A01"})))
    assert c.problems == ["数据仓库里还没有镇街名单；请先上传镇街名单，再上传边界"]
