"""The 网格 page in a real Chromium at 1920×1080: offline, no console errors, the star distribution drawn, the
town page's link landing on that town's grids."""

import pytest

from browser import browser, open_page, screenshot, serve, wait_idle


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    # an empty real store: the board shows the demo district
    with serve(tmp_path_factory.mktemp("empty-store")) as url:
        with browser() as ctx:
            yield url, ctx


def test_the_grid_page_opens_offline_in_chinese(board):
    url, ctx = board
    w = open_page(ctx, url, wait_text="整改率", timeout=180_000)
    w.page.get_by_role("link", name="网格").first.click()
    wait_idle(w.page, 180_000)
    w.page.get_by_text("各镇街网格星级分布").first.wait_for(timeout=180_000)
    w.page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=120_000)
    wait_idle(w.page, 120_000)
    w.page.wait_for_timeout(1500)
    shot = screenshot(w.page, "page-grids")
    assert shot.stat().st_size > 30_000
    assert w.page.get_by_text("示例数据").first.is_visible()
    assert w.page.get_by_text("评星规则").first.is_visible()
    # the stacked bars: one trace per star, five in all
    assert w.page.locator('[data-testid="stPlotlyChart"] .barlayer .trace').count() >= 5
    assert w.outside_requests == []
    assert w.console_errors == []


def test_the_town_page_drills_down_to_its_grids(board):
    url, ctx = board
    w = open_page(ctx, url, wait_text="整改率", timeout=180_000)
    w.page.get_by_role("link", name="镇街详情").first.click()
    wait_idle(w.page, 180_000)
    w.page.get_by_text("查看本镇街网格").first.wait_for(timeout=180_000)
    town = w.page.locator('[data-testid="stSelectbox"]').filter(has_text="选择镇街").first.inner_text().strip().splitlines()[-1]
    w.page.get_by_text("查看本镇街网格").first.click()
    wait_idle(w.page, 120_000)
    w.page.get_by_text("镇街内网格排名").first.wait_for(timeout=120_000)
    wait_idle(w.page, 120_000)
    assert "town=" in w.page.url and "/grids" in w.page.url
    # the league's town picker holds the town the link came from
    picker = w.page.locator('[data-testid="stSelectbox"]').filter(has_text="选择镇街").first
    assert town in picker.inner_text()
    screenshot(w.page, "page-grids-town")
    assert w.outside_requests == []
    assert w.console_errors == []
