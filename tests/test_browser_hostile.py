"""Hostile text from data (HTML, script, spreadsheet formulas) shows as plain text on every viewer page, the
网格 page (grid names and workers) included."""

import pytest

from board.ingest import ingest
from board.store import Store
from browser import browser, open_page, screenshot, serve, wait_idle

IMG = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
MD = "![x](http://203.0.113.9/x.png)[点我](javascript:alert(2))"  # markdown that would fetch or link
TOWNS = f"镇街代码,镇街名称,常住人口\nA01,{IMG}镇,10000\nB02,{MD}街道,20000\n"
HAZARDS = ("隐患编号,所属镇街,隐患类别,隐患等级,责任主体,问题描述,责任部门,发现日期,整改期限,经度,纬度\n"
           f"H1,A01,{IMG},一般,\"{FORMULA.replace(chr(34), chr(34) * 2)}\",{IMG},{IMG},2022-12-01,2022-12-05,121.5,29.8\n"
           "H2,B02,消防安全,较大,乙店,正常,应急管理局,2022-12-02,2022-12-30,121.6,29.9\n")
# the grid level: a grid named in HTML, a worker in markdown
GRIDS = f"网格编码,网格名称,所属镇街,网格员,户数\nG1,{IMG}网格,A01,\"{MD}\",100\nG2,正常网格,B02,张三,200\n"
GRID_EVENTS = ("事件编号,所属网格,上报时间,办理时限,办结时间,是否有效\n"
               "E1,G1,2022-12-01,2022-12-10,2022-12-05,是\nE2,G2,2022-12-02,2022-12-10,,否\n")
PAGES = [("总览", "近12期走势"), ("镇街排名", "红黑榜"), ("隐患地图", "镇街着色指标"),
         ("整改进度", "逾期隐患清单"), ("镇街详情", "排名走势（近12期）"), ("网格", "评星规则")]


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("hostile") / "store")
    for name, text in (("towns.csv", TOWNS), ("hazards.csv", HAZARDS), ("grids.csv", GRIDS),
                       ("grid_events.csv", GRID_EVENTS)):
        r = ingest(store, text.encode(), name, user="setup")
        assert r.committed, r.text()
    with serve(store.path) as url, browser() as ctx:
        w = open_page(ctx, url, wait_text="整改率")
        dialogs = []
        w.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        yield w, dialogs


@pytest.mark.parametrize("link,text", PAGES, ids=[p[0] for p in PAGES])
def test_html_and_formulas_from_data_stay_plain_text(board, link, text):
    w, dialogs = board
    w.page.get_by_role("link", name=link).first.click()
    wait_idle(w.page, 120_000)
    w.page.get_by_text(text).first.wait_for(timeout=120_000)
    wait_idle(w.page, 120_000)
    w.page.wait_for_timeout(1500)
    screenshot(w.page, f"hostile-{link}")
    assert dialogs == []                                                   # no script ran
    assert w.page.locator('img[src="x"], img[src*="203.0.113.9"]').count() == 0  # no element was injected
    assert w.page.locator('a[href^="javascript"]').count() == 0
    assert w.console_errors == [] and w.outside_requests == []
    if link == "网格":
        assert w.page.get_by_text(f"{IMG}镇").count() >= 1                 # the stars chart's town, as typed
    if link == "镇街排名":
        assert w.page.get_by_text(f"第1名 · {IMG}镇").count() >= 1          # shown literally, as typed
