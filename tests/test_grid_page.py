"""The 网格 page on the demo district: the core's figures, the town picker, a town drilled down to its grids."""

import base64
import json

import numpy as np

import pytest
from streamlit.testing.v1 import AppTest

from board import db, definitions as defs, grids, metrics
from board.store import Store
from conftest import ROOT, page_path
from render.format import count, rate


@pytest.fixture(scope="module")
def core():
    from tools import demo_store
    store = Store(demo_store.ensure())
    con = db.connect(store.state())
    as_of = grids.default_as_of(con)
    period = metrics.period_of(metrics.default_as_of(con), "month")  # the sidebar's default: the ledger's month
    view = grids.view(lambda p, a: grids.counted(con, p, a), period, as_of, grids.star_rule(defs.load()))
    return {"con": con, "as_of": as_of, "period": period, "view": view}


@pytest.fixture(autouse=True)
def demo_only(tmp_path, monkeypatch):
    monkeypatch.setenv("BOARD_STORE", str(tmp_path / "empty"))


def decoded(values) -> list:
    """A plotly array as drawn: plain, or typed and base64-encoded ({"dtype", "bdata"})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def open_grids(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    at.switch_page(page_path("grids"))
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_grid_page_shows_the_cores_figures(core):
    at = open_grids()
    d = core["view"]["district"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["网格事件"] == count(d["events"])
    assert metrics["办结率"] == rate(d["closure_rate"])
    assert metrics["按期办结率"] == rate(d["on_time_rate"])
    assert metrics["网格数"] == count(len(core["view"]["grids"]))
    fell = grids.moved(core["view"]["grids"], fell_by=2)
    assert f"降两星及以上（{len(fell)}）" in [s.value for s in at.subheader]
    shown = at.dataframe[1].value  # distribution, fell, rose, league
    assert len(shown) == len(fell) and shown["升降星"].str.startswith("▼").all()
    # the distribution table adds up to every grid
    dist = at.dataframe[0].value
    assert int(dist["网格数"].sum()) == len(core["view"]["grids"])
    assert any("正好等于门槛也得该星" in m.value for m in at.markdown)  # the rule on screen


def test_the_town_league_follows_the_town_in_the_url(core):
    towns = core["view"]["towns"]
    code = towns["town_code"].iloc[3]
    at = open_grids(town=code)
    assert at.selectbox(key="grid_town").value == code
    league = at.dataframe[3].value
    expected = grids.town_league(core["view"]["grids"], code)
    assert list(league["网格编码"]) == list(expected["grid_code"])
    assert list(league["排名"]) == list(expected["rank"])


def test_choosing_a_worker_draws_their_twelve_months(core):
    at = open_grids()
    town = at.selectbox(key="grid_town").value
    second = grids.town_league(core["view"]["grids"], town)["grid_code"].iloc[1]
    at.selectbox(key="grid_worker").set_value(second).run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[-1].proto.spec)
    month = grids.star_month(core["period"], core["as_of"])
    expected = grids.history(lambda p, a: grids.counted(core["con"], p, a), second, month, core["as_of"],
                             grids.star_rule(defs.load()))
    assert len(spec["data"][0]["x"]) == 12
    assert decoded(spec["data"][0]["y"]) == [int(v) for v in expected["stars"]]


def test_the_town_page_links_to_its_grids(core):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    at.switch_page(page_path("town"))
    at.run()
    assert not at.exception
    links = [e for e in at.get("page_link")]
    assert any("查看本镇街网格" in e.proto.label and e.proto.page.endswith("grids") for e in links)
