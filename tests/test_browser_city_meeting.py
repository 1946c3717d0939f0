"""会议模式 of a city's whole board (&scope=city) in a real Chromium at 1920×1080 (issue 15): each slide of the
city (overview, districts' league, towns by district, districts' progress, 红黑榜 with red towns) draws, with
figures large enough to read across the room, Chinese glyphs, and nothing fetched past 127.0.0.1.

The city is test_browser_city's: four districts of four to six towns each, a year of hazards."""

import io

import pytest

from board.store import Store
from browser import browser, open_page, screenshot, serve
from test_browser_city import build
from test_browser_pages import TOFU_CHECK

PLOTLY = '[data-testid="stPlotlyChart"] .main-svg'
SLIDES = {  # slide → (its title, what shows that it has finished drawing)
    "overview": ("全市概况", '[data-testid="stMetricValue"]'),
    "league": ("区县排名 · 平安指数", PLOTLY),
    "map": ("区县分布 · 镇街按所属区县着色", '[data-testid="stDeckGlJsonChart"] canvas'),
    "progress": ("整改进度 · 各区县整改率与销号率", PLOTLY),
    "red": ("红黑榜 · 区县与红色镇街", ".st-key-meeting_reds"),
}


@pytest.fixture(scope="module")
def city_url(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("city-meeting") / "store")
    build(store)
    with serve(store.path) as url:
        yield url


@pytest.fixture(scope="module")
def ctx():
    with browser() as c:   # 1920×1080
        yield c


def drawn(w, selector: str) -> None:
    w.page.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].some(e => e.getBoundingClientRect().height > 50)",
        arg=selector, timeout=60_000)
    w.page.wait_for_timeout(1500)   # software WebGL and plotly finish their first paint


@pytest.mark.parametrize("slide", list(SLIDES))
def test_each_city_slide_draws_readably_offline(city_url, ctx, slide):
    title, selector = SLIDES[slide]
    w = open_page(ctx, f"{city_url}/?mode=meeting&scope=city&every=600&period=2026-10&slides={slide}",
                  wait_text=title, timeout=120_000)
    try:
        drawn(w, selector)
        assert w.page.locator("h1").first.inner_text().strip() == title
        screenshot(w.page, f"city-meeting-{slide}")
        body = w.page.inner_text("body")
        assert "统计期 2026年10月 · 截至 2026-10-31" in body
        if slide == "overview":
            sizes = w.page.eval_on_selector_all(
                '[data-testid="stMetricValue"]', "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
            assert len(sizes) == 10 and min(sizes) >= 40   # 3.6rem of a 22px root at 1920 wide
            for name in ("红榜 · 前3", "黑榜 · 后3"):
                assert name in body
        if slide in ("league", "progress"):
            for name in ("东湖区", "西山区", "南溪县", "北港市"):
                assert w.page.locator(PLOTLY).first.get_by_text(name).count() >= 1
        if slide == "map":
            from PIL import Image

            # the towns are painted: the map holds the districts' pale fills, not only the dark background
            shot = Image.open(io.BytesIO(w.page.locator(selector).first.screenshot())).convert("RGB")
            pale = sum(n for n, (r, g, b) in shot.getcolors(1 << 20) if min(r, g, b) > 120)
            assert pale > 0.05 * shot.width * shot.height, "no district fill drawn"
            for name in ("东湖区", "西山区", "南溪县", "北港市"):
                assert name in w.page.locator(".st-key-meeting_district_legend").inner_text()
        if slide == "red":
            assert "各区县红色镇街" in body
        glyphs = w.page.evaluate(TOFU_CHECK)
        assert not glyphs["same"] and not glyphs["blank"]
        assert w.outside_requests == []
        assert w.console_errors == []
    finally:
        w.page.close()
