"""会议模式 in a real Chromium: it rotates by itself, offline, without chrome, and picks up a new batch."""

import shutil
import time

import pytest

from board.store import Store
from browser import browser, open_page, screenshot, serve
from conftest import d, table

SLIDE_TITLES = ("全区概况", "镇街排名", "三色分布", "整改进度", "红色预警")
# what shows that a slide has finished drawing
PLOTLY = '[data-testid="stPlotlyChart"] .main-svg'
DRAWN = {"全区概况": '[data-testid="stMetricValue"]', "镇街排名": PLOTLY, "三色分布": '[data-testid="stDeckGlJsonChart"] canvas',
         "整改进度": PLOTLY, "红色预警": PLOTLY}


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    """A copy of the demo district as the served store, so that a test can commit a batch into it."""
    from tools import demo_store

    store = tmp_path_factory.mktemp("meeting") / "store"
    shutil.copytree(demo_store.ensure(), store)
    with serve(store) as url:
        yield url, Store(store)


def title(page) -> str:
    h1 = page.locator("h1")
    return h1.first.inner_text() if h1.count() else ""


def test_meeting_mode_rotates_through_slides_offline(meeting):
    url, _ = meeting
    with browser() as ctx:
        w = open_page(ctx, f"{url}/?mode=meeting&every=10&slides=overview,league,map,progress,red",
                      wait_text="平安晾晒台")
        seen: list[str] = []
        deadline = time.time() + 75
        while len(seen) < 4 and time.time() < deadline:
            t = title(w.page)
            if t and t not in seen and t.startswith(SLIDE_TITLES):
                seen.append(t)
                # shoot once the slide's chart, map or figures are drawn
                w.page.wait_for_function(
                    "sel => [...document.querySelectorAll(sel)].some(e => e.getBoundingClientRect().height > 50)",
                    arg=DRAWN[t.split(" ·")[0]], timeout=10_000)
                w.page.wait_for_timeout(500)
                if title(w.page) == t:  # software WebGL can take most of a slide's time to draw the map
                    screenshot(w.page, f"meeting-{len(seen)}")
            w.page.wait_for_timeout(250)
        assert [s.split(" ·")[0] for s in seen] == ["全区概况", "镇街排名", "三色分布", "整改进度"]
        # the meeting room sees no navigation, header or toolbar, and knows the data is a demo
        assert not w.page.locator('[data-testid="stSidebar"]').is_visible()
        assert not w.page.locator('[data-testid="stHeader"]').is_visible()
        assert w.page.get_by_text("示例数据").first.is_visible()
        assert "统计期 2026年10月 · 截至 2026-10-31" in w.page.inner_text("body")
        assert w.outside_requests == []
        assert w.console_errors == []


def test_a_newly_committed_batch_shows_without_reload(meeting):
    url, store = meeting
    with browser() as ctx:
        w = open_page(ctx, f"{url}/?mode=meeting&every=3&slides=overview", wait_text="发现隐患")

        def found() -> str:
            return w.page.locator('[data-testid="stMetric"]').first.locator(
                '[data-testid="stMetricValue"]').inner_text()

        before = found()
        rows = [dict(hazard_id="MEETING-NEW-1", town_code="330212001", category="消防安全",
                     found_date=d("2026-10-20"), deadline=d("2026-10-30"))]
        # the copy is a demo-kind store, so the new batch is committed as demo data too
        store.commit("hazards", table("hazards", rows), "new.csv", repr(rows).encode(), "tester", kind="demo")
        expected = f"{int(before.replace(',', '')) + 1:,}"
        w.page.wait_for_function(
            """expected => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
                           .some(e => e.innerText.trim() === expected)""", arg=expected, timeout=30_000)
        assert found() == expected
        assert w.console_errors == []
