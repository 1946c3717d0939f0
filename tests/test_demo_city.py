"""The demo city (示例市): six districts built through the normal ingest, one of them the demo district row for
row, the others with their own courses; town codes unique, one town name shared by two districts."""

import json
from datetime import date

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from board import cli, db, metrics
from board.store import Store, demo_city_path
from conftest import ROOT
from tools import demo, demo_city, demo_store

ROWS = 12_000  # hazards over the whole city: small, so the module builds in seconds
DEMO = "330212"  # the demo district's code: its towns' codes are 330212xxx
RISING, FALLING = "330204", "330207"  # 西城区 improves steadily, 江滨区 declines


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Store:
    return Store(demo_store.ensure(tmp_path_factory.mktemp("city") / "store", city=True, rows=ROWS))


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Store:
    """Today's demo district store with as many hazards as the city gives that district."""
    rows = demo_city.hazard_counts(ROWS)[DEMO]
    return Store(demo_store.ensure(tmp_path_factory.mktemp("district") / "store", rows=rows))


@pytest.fixture(scope="module")
def con(city):
    return db.connect(city.state())


def test_the_city_is_demo_data_ingested_districts_first(city):
    manifest = city.manifest()
    assert manifest["kind"] == "demo"
    batches = [e for e in manifest["events"] if e.get("dataset")]
    assert [b["dataset"] for b in batches[:3]] == ["districts", "towns", "hazards"]
    # one ledger file per district, then the rest of the datasets once each
    assert [b["dataset"] for b in batches].count("hazards") == 6
    assert {b["dataset"] for b in batches} == set(demo_store.CITY_ORDER)


def test_six_districts_each_as_populous_as_its_towns(con):
    districts = con.sql("select district_code, district_name, population from districts order by 1").df()
    assert list(districts["district_code"]) == ["330204", "330207", "330208", "330212", "330227", "330284"]
    assert districts["district_name"].is_unique
    towns = con.sql("select district_code, sum(population) as population from towns group by 1 order by 1").df()
    assert list(towns["population"]) == list(districts["population"])


def test_every_town_has_a_listed_district_and_a_code_of_its_district(con):
    towns = con.sql("select town_code, district_code from towns").df()
    listed = set(con.sql("select district_code from districts").df()["district_code"])
    assert towns["district_code"].notna().all() and set(towns["district_code"]) == listed
    assert (towns["town_code"].str[:6] == towns["district_code"]).all()
    per_district = towns.groupby("district_code").size()
    assert per_district[DEMO] == 24
    assert per_district.drop(DEMO).between(15, 30).all()


def test_town_codes_are_unique_across_the_city(con):
    # stg_towns holds every listed row, so a code listed twice would show here before the view dedups it
    listed = con.sql("select count(*) as rows, count(distinct town_code) as codes from stg_towns").df()
    assert listed.at[0, "rows"] == listed.at[0, "codes"] == 24 + 18 + 22 + 16 + 27 + 20


def test_a_town_name_is_shared_by_two_districts(con):
    shared = con.sql("""
        select town_name, list(district_code order by district_code) as districts, list(town_code) as codes
        from towns group by town_name having count(*) > 1
    """).df()
    assert list(shared["town_name"]) == ["城关镇"]
    assert list(shared.at[0, "districts"]) == ["330227", "330284"]
    # each 城关镇 has its own ledger, the exports naming it by code
    found = con.sql("select town_code, count(*) as n from hazards where town_code in "
                    "(select town_code from towns where town_name = '城关镇') group by 1").df()
    assert len(found) == 2 and (found["n"] > 0).all()


def test_every_export_names_a_shared_name_town_by_its_code():
    city = demo_city.plan()
    for code in ("330227", "330284"):
        frames = demo_city.district_exports(city, code, 2_000)
        for name in ("hazards", "inspections", "indicators", "grids"):
            refs = frames[name]["所属镇街"]
            assert not (refs == "城关镇").any(), (code, name)
            assert refs.str.startswith(code).any(), (code, name)


def test_every_hazard_reaches_the_store_with_a_city_wide_unique_id(con):
    counts = con.sql("select count(*) as n, count(distinct hazard_id) as ids from hazards").df()
    assert counts.at[0, "n"] == counts.at[0, "ids"] == ROWS
    assert sum(demo_city.hazard_counts(ROWS).values()) == ROWS


DEMO_ROWS = {
    "hazards": "select * exclude (batch_seq) from hazards where town_code like '330212%' order by hazard_id",
    "inspections": "select * exclude (batch_seq) from inspections where town_code like '330212%' "
                   "order by inspection_id",
    "indicators": "select * exclude (batch_seq) from indicators where town_code like '330212%' "
                  "order by month, town_code, indicator",
    "towns": "select * exclude (batch_seq, district_code) from towns where town_code like '330212%' order by town_code",
    "grids": "select * exclude (batch_seq) from grids where town_code like '330212%' order by grid_code",
    "grid_events": "select * exclude (batch_seq) from grid_events where grid_code like '330212%' order by event_id",
}


@pytest.mark.parametrize("dataset", DEMO_ROWS)
def test_the_demo_district_in_the_city_is_the_demo_store_row_for_row(con, district, dataset):
    ours = con.sql(DEMO_ROWS[dataset]).df()
    theirs = db.connect(district.state()).sql(DEMO_ROWS[dataset]).df()
    assert len(ours) > 0
    pd.testing.assert_frame_equal(ours, theirs)


def test_the_demo_district_towns_have_the_demo_figures(con, district):
    period, as_of = metrics.parse_period("2026-09"), date(2026, 10, 31)
    ours = metrics.ledger(con, period, as_of)
    ours = ours[~ours["is_district"] & ours["town_code"].str.startswith(DEMO)]
    theirs = metrics.ledger(db.connect(district.state()), period, as_of)
    theirs = theirs[~theirs["is_district"]]
    pd.testing.assert_frame_equal(ours.drop(columns="district_code").sort_values("town_code").reset_index(drop=True),
                                  theirs.drop(columns="district_code").sort_values("town_code").reset_index(drop=True))


def test_the_demo_district_scoped_in_the_city_is_todays_demo_board(city, district):
    """A one-district store gives exactly today's figures: the city's 东湖区 seen on its own equals the demo."""
    period, as_of = metrics.parse_period("2026-09"), date(2026, 10, 31)
    scoped = db.connect(city.state(), districts=(DEMO,))
    ours = metrics.ledger(scoped, period, as_of).drop(columns=["district_code", "town_name"])
    theirs = metrics.ledger(db.connect(district.state()), period, as_of).drop(columns=["district_code", "town_name"])
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False)


def test_one_district_improves_and_another_declines(con):
    h = con.sql("select t.district_code, h.found_date, h.closed_date from hazards h join towns t using (town_code)"
                " where h.found_date <= date '2026-09-30'").df()
    # closed within 30 days of being found: the same age for every month, so months compare like for like
    h["quick"] = (h["closed_date"] - h["found_date"]).dt.days <= 30
    monthly = h.groupby(["district_code", h["found_date"].dt.to_period("M")])["quick"].mean().unstack(0)
    change = monthly.iloc[-12:].mean() - monthly.iloc[:12].mean()  # the last twelve months against the first
    assert change[RISING] > 0.04 and change[FALLING] < -0.04
    month = pd.Series(range(len(monthly)), index=monthly.index, dtype=float)
    assert monthly[RISING].corr(month) > 0.4 and monthly[FALLING].corr(month) < -0.4
    # and the standings move: the best district of a month is not always the same one
    assert monthly.idxmax(axis=1).nunique() >= 4


def test_town_boundaries_tile_six_districts_side_by_side(con, city):
    doc = json.loads((city.path / city.state().boundaries).read_text("utf-8"))
    towns = con.sql("select town_code, district_code, lon, lat from towns").df().set_index("town_code")
    features = doc["features"]
    assert sorted(f["properties"]["town_code"] for f in features) == sorted(towns.index)
    cells = [shape(f["geometry"]) for f in features]
    for f, cell in zip(features, cells):
        town = towns.loc[f["properties"]["town_code"]]
        assert f["properties"]["district_code"] == town["district_code"]
        assert cell.geom_type == "Polygon" and cell.is_valid
        assert cell.contains(shapely.Point(town["lon"], town["lat"]))
    # neighbours share edges (to the metre the coordinates are rounded to) but never overlap
    assert shapely.union_all(cells).area == pytest.approx(sum(c.area for c in cells), rel=1e-5)
    outlines = {f["properties"]["district_code"]: shape(f["geometry"])
                for f in demo_city.district_boundaries(demo_city.plan())["features"]}
    assert len(outlines) == 6 and all(o.geom_type == "Polygon" and o.is_valid for o in outlines.values())
    for code, outline in outlines.items():
        own = shapely.union_all([c for c, f in zip(cells, features) if f["properties"]["district_code"] == code])
        assert own.geom_type == "Polygon"  # a district is one piece
        assert own.symmetric_difference(outline).area < 1e-6 * outline.area
    # the six sit side by side: together they are one piece of land
    assert shapely.union_all(list(outlines.values())).geom_type == "Polygon"


def test_the_demo_district_keeps_its_own_boundaries():
    city = demo_city.plan()
    ours = [f for f in demo_city.boundaries(city)["features"] if f["properties"]["district_code"] == DEMO]
    theirs = demo.generate(hazard_rows=10).boundaries["features"]
    assert [f["geometry"] for f in ours] == [f["geometry"] for f in theirs]


def test_the_same_seed_draws_the_same_city():
    a, b = demo_city.plan(), demo_city.plan()
    pd.testing.assert_frame_equal(demo_city.towns_frame(a), demo_city.towns_frame(b))
    assert demo_city.boundaries(a) == demo_city.boundaries(b)
    assert demo_city.boundaries(demo_city.plan(seed=7)) != demo_city.boundaries(a)


def test_rows_are_shared_out_exactly():
    counts = demo_city.hazard_counts(1_001)
    assert sum(counts.values()) == 1_001
    # by default the demo district keeps its own 45,000 and the others about 1,875 a town
    default = demo_city.hazard_counts()
    assert default[DEMO] is None and default["330204"] == 18 * 1_875


def test_the_command_line_builds_the_city_store(monkeypatch, capsys):
    asked = {}
    monkeypatch.setattr(demo_store, "ensure", lambda path, **kw: asked.update(kw, path=path) or ROOT / "x")
    assert cli.main(["demo", "--city", "--rows", "5000"]) == 0
    assert asked == {"path": None, "city": True, "rows": 5000, "rebuild": True}
    assert "示例市" in capsys.readouterr().out
    assert demo_city_path() == ROOT / "data" / "demo" / "city-store"


def test_the_command_line_refuses_negative_rows_in_chinese(capsys):
    assert cli.main(["demo", "--city", "--rows", "-1"]) == 2
    err = capsys.readouterr().err
    assert "不能是负数" in err and "Traceback" not in err
