"""The overview, the league, the progress page and the meeting screen show the same like-for-like changes,
the same 红黑榜 in the same order and the same figures for a town's components (the demo district)."""

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from board import db, definitions as defs, figures, metrics
from board.store import Store
from conftest import ROOT, page_path
from render.format import count, delta, rank_delta
from render.meeting_charts import change_text


@pytest.fixture(scope="module")
def core():
    from tools import demo_store
    store = Store(demo_store.ensure())
    state = store.state()
    con = db.connect(state)
    as_of = metrics.default_as_of(con)
    period = metrics.period_of(as_of, "month")
    d = defs.load(store, state)
    towns, comps, _ = metrics.league(con, period, as_of, d)
    return {"con": con, "as_of": as_of, "period": period, "defs": d, "towns": towns, "comps": comps}


@pytest.fixture(autouse=True)
def demo_only(tmp_path, monkeypatch):
    monkeypatch.setenv("BOARD_STORE", str(tmp_path / "empty"))


def run(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page_path(page))
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


PODIUM = re.compile(r"^第(\d+)名 · (.+)$")


def podium(at: AppTest) -> list[tuple[str, str | None]]:
    """(town, delta) of the 红黑榜 metrics in page order: the best, then the worst."""
    return [(PODIUM.match(m.label).group(2), m.delta or None) for m in at.metric if PODIUM.match(m.label)]


def test_overview_changes_are_like_for_like(core):
    at = run()
    before, then = metrics.like_for_like(core["period"], core["as_of"])
    assert (before.code, then.isoformat()) == ("2026-09", "2026-09-30")
    kpis = figures.kpis(metrics.ledger(core["con"], core["period"], core["as_of"]),
                        metrics.ledger(core["con"], before, then))
    shown = {m.label: m.delta for m in at.metric}
    for k in kpis.itertuples():
        assert (shown[k.label] or None) == delta(k.change, k.kind), k.label
    assert shown["整改率"] == "-2.63 个百分点" and shown["销号率"] == "-5.30 个百分点"   # not −22.11, −33.72
    assert any("与上月同口径比较：9月数据截至9月30日" in c.value for c in at.caption)


def test_overview_league_and_meeting_show_the_same_rank_changes_and_boards(core):
    towns = core["towns"]
    best, worst = figures.boards(towns, 3)
    expected = [(r.town_name, rank_delta(r.rank_change)) for r in best.itertuples()] + \
               [(r.town_name, rank_delta(r.rank_change)) for r in worst.itertuples()]

    overview = run()
    assert podium(overview) == expected

    league = run("league")
    assert podium(league)[:6] == expected                       # the overall 红黑榜 comes first
    table = next(e for e in league.get("plotly_chart") if '"type":"table"' in e.proto.spec.replace(" ", ""))
    data = json.loads(table.proto.spec)["data"][0]
    heads = [re.sub(r"</?b>|<br>", "", h) for h in data["header"]["values"]]  # 每万人<br>逾期隐患
    cells = dict(zip(heads, data["cells"]["values"]))
    assert cells["镇街"] == list(towns["town_name"])
    from render.charts import rank_change_text
    assert cells["变化"] == [rank_change_text(v) for v in towns["rank_change"]]
    by_name = dict(zip(cells["镇街"], cells["变化"]))
    # the examples: 双桥镇 was 10th at September's end, 明月街道 8th
    shuangqiao = towns[towns["town_name"] == "双桥镇"].iloc[0]
    assert by_name["双桥镇"] == rank_change_text(10 - int(shuangqiao["rank"]))
    assert any("与上月同口径比较：9月数据截至9月30日" in c.value for c in league.caption)

    meeting = run(mode="meeting", slides="overview", every="600")
    lines = [m.value for m in meeting.markdown if m.value.count("　") == 3]
    assert [l.split("　")[1] for l in lines] == [n for n, _ in expected]          # same towns, same order
    assert [l.split("　")[3] for l in lines] == [change_text(r.rank_change) for r in best.itertuples()] + \
                                                [change_text(r.rank_change) for r in worst.itertuples()]
    assert any("与上月同口径比较" in m.value for m in meeting.markdown)


def test_the_red_slide_shows_the_leagues_figures_for_each_component(core):
    towns = core["towns"]
    red = towns[towns["tier"] == "red"].sort_values("rank").iloc[0]
    why = figures.why(core["comps"], red["town_code"])

    meeting = run(mode="meeting", slides="red", every="600")
    specs = [json.loads(e.proto.spec) for e in meeting.get("plotly_chart")]
    bars = next(s["data"][0] for s in specs if str(s["data"][0].get("text", [""])[0]).endswith(" 分"))
    shown = dict(zip(bars["y"], bars["text"]))        # "−5.88 分" (plotly packs x as binary)

    league = run("league")
    league.selectbox(key="why_town").set_value(red["town_code"]).run()
    table = next(df.value for df in league.dataframe if "相对中位数" in df.value.columns)
    on_league = dict(zip(table["分项"], table["相对中位数"]))
    assert len(shown) == min(6, int((why["versus_median"] < -1e-9).sum())) > 0
    behind = why.set_index("name")["versus_median"]
    for name, text in shown.items():
        # the meeting says the points lost; the league shows the same number with its sign
        assert text == f"−{-behind[name]:.2f} 分" and on_league[name] == f"{behind[name]:,.2f}", name


def test_progress_counts_are_text_not_deltas_and_nothing_reads_none(core):
    at = run("progress")
    shown = {m.label: m for m in at.metric}
    # "↑ 8 / 721" read as a rise: the counts behind the rate are now a caption
    assert not shown["复发率"].delta and not shown["晾晒问题销号率"].delta
    ledger = metrics.ledger(core["con"], core["period"], core["as_of"]).query("is_district").iloc[0]
    assert any(c.value == f"复发 {count(ledger['recurred'])} 个 / 已销号 {count(ledger['closed'])} 个"
               for c in at.caption)
    leaders = next(df for df in at.dataframe if "包案领导" in df.value.columns)
    assert leaders.value["最长逾期天数"].isna().any()            # a leader with nothing overdue …
    assert leaders.proto.placeholder == "—"                     # … shows —, not a literal None


def test_enforcement_panel_has_the_overdue_lists_scope(core):
    at = run("progress")
    assert not any("本期没有升级到执法的隐患" in i.value for i in at.info)
    panel = next(df.value for df in at.dataframe if "执法结果" in df.value.columns)
    listed = db.run(core["con"], "overdue_list", as_of=core["as_of"], limit=None)
    assert int(panel["其中逾期"].sum()) == int((listed["escalation"] == 3).sum()) > 0
    assert any("与下方逾期隐患清单同一口径" in c.value for c in at.caption)


def test_weeks_in_the_period_selector(core):
    at = run()
    at.session_state["period_kind"] = "week"
    at.run()
    week = metrics.period_of(core["as_of"], "week")                  # 2026-W44, 10-26 to 11-01
    assert week.code == "2026-W44"
    assert any(week.label in m.value for m in at.markdown)
    found = metrics.ledger(core["con"], week, core["as_of"]).query("is_district").iloc[0]["found"]
    assert next(m.value for m in at.metric if m.label == "发现隐患") == count(found)
    assert any("与上周同口径比较：第43周数据截至10月24日" in c.value for c in at.caption)


def test_league_shows_groups_and_their_boards(core):
    at = run("league")
    towns = core["towns"]
    tables = [df for df in at.dataframe if "组内排名" in df.value.columns]
    groups = figures.group_league(towns, core["defs"])
    assert [len(t.value) for t in tables] == [len(m) for _, m in groups]
    for t, (group, members) in zip(tables, groups):
        assert list(t.value["镇街"]) == list(members["town_name"])
        assert list(t.value["组内排名"]) == list(members["group_rank"])
    assert [g for g, _ in groups] == ["街道", "镇乡", "园区"]


def test_a_group_name_from_the_definitions_stays_literal_in_its_tab(core, monkeypatch):
    # group names are the analyst's words in definitions.json; a tab label renders markdown, so a link or an
    # image written as a group name would be drawn (and an image fetched) unless it is escaped
    from ui import data
    real = data.group_league
    hostile = "[点我](http://evil.example) ![x](http://evil.example/x.png)"
    monkeypatch.setattr(data, "group_league",
                        lambda period: [(hostile if i == 0 else g, m) for i, (g, m) in enumerate(real(period))])
    at = run("league")
    label = at.tabs[0].label
    assert "evil" in label and "](" not in label and "\\[" in label
