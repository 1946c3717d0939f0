"""The five leaders' pages in a real Chromium at 1920×1080: offline, no console errors, Chinese glyphs,
a map that draws, figures large enough to read across a meeting room."""

import io

import pytest
from PIL import Image

from browser import browser, open_page, screenshot, serve, wait_idle

PAGES = [  # (sidebar link, text that shows the page has drawn, element to wait for, screenshot name)
    ("总览", "近12期走势", '[data-testid="stPlotlyChart"]', "page-overview"),
    ("镇街排名", "红黑榜", '[data-testid="stPlotlyChart"]', "page-league"),
    ("隐患地图", "镇街着色指标", '[data-testid="stDeckGlJsonChart"] canvas', "page-map"),
    ("整改进度", "逾期隐患清单", '[data-testid="stDataFrame"]', "page-progress"),
    ("镇街详情", "排名走势（近12期）", '[data-testid="stDeckGlJsonChart"] canvas', "page-town"),
]
BACKGROUND = (0xf4, 0xf4, 0xf0)

# The rendered glyphs of two different characters; a missing CJK font draws both as the same box.
TOFU_CHECK = """() => {
  const font = getComputedStyle(document.querySelector('h1')).fontFamily;
  const draw = (ch) => { const c = document.createElement('canvas'); c.width = 64; c.height = 64;
    const g = c.getContext('2d'); g.font = '48px ' + font; g.fillText(ch, 4, 52); return c.toDataURL(); };
  return { same: draw('镇') === draw('街'), blank: draw('镇') === draw(' ') };
}"""


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    # an empty real store: the board shows the demo district
    with serve(tmp_path_factory.mktemp("empty-store")) as url:
        with browser() as ctx:
            w = open_page(ctx, url, wait_text="整改率")
            yield w


def goto(w, link: str, text: str, selector: str):
    w.page.get_by_role("link", name=link).first.click()
    wait_idle(w.page, 120_000)
    w.page.get_by_text(text).first.wait_for(timeout=120_000)
    w.page.locator(selector).first.wait_for(timeout=120_000)
    wait_idle(w.page, 120_000)


@pytest.mark.parametrize("link,text,selector,name", PAGES, ids=[p[3] for p in PAGES])
def test_page_opens_offline_in_chinese(board, link, text, selector, name):
    goto(board, link, text, selector)
    board.page.wait_for_timeout(1500)  # let charts finish their first paint
    shot = screenshot(board.page, name)
    assert shot.stat().st_size > 30_000
    assert board.page.get_by_text("示例数据").first.is_visible()
    glyphs = board.page.evaluate(TOFU_CHECK)
    assert not glyphs["same"] and not glyphs["blank"]
    assert board.outside_requests == []
    assert board.console_errors == []


def test_kpi_figures_are_readable_across_the_room(board):
    goto(board, "总览", "近12期走势", '[data-testid="stMetricValue"]')
    sizes = board.page.eval_on_selector_all(
        '[data-testid="stMetricValue"]', "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 20


def test_league_table_type_is_large(board):
    goto(board, "镇街排名", "红黑榜", '[data-testid="stPlotlyChart"] .table')
    sizes = board.page.eval_on_selector_all(
        '[data-testid="stPlotlyChart"] .table .cell-text',
        "els => els.slice(0, 60).map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 20


def test_map_canvas_draws_polygons_and_points(board):
    goto(board, "隐患地图", "镇街着色指标", '[data-testid="stDeckGlJsonChart"] canvas')
    board.page.wait_for_timeout(2500)
    chart = board.page.locator('[data-testid="stDeckGlJsonChart"]').first
    img = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    px = list(img.getdata())
    drawn = sum(1 for p in px if max(abs(a - b) for a, b in zip(p, BACKGROUND)) > 12)
    # status points: 整改中 amber and 已整改待销号 blue appear nowhere in the boundary colours
    blue = sum(1 for r, g, b in px if b > 150 and r < 80 and g < 140)
    amber = sum(1 for r, g, b in px if r > 230 and 130 < g < 190 and b < 60)
    assert drawn > 0.15 * len(px), "town boundaries should fill much of the map"
    assert blue > 200 and amber > 200, (blue, amber)
    assert board.outside_requests == []
    assert board.console_errors == []


def test_table_download_is_made_when_clicked(board):
    # shell.downloads hands Streamlit a callable: the CSV is built on the click, not on every rerun
    goto(board, "整改进度", "逾期隐患清单", '[data-testid="stDataFrame"]')
    button = board.page.locator('[data-testid="stDownloadButton"] button', has_text="下载 CSV").last
    with board.page.expect_download(timeout=60_000) as download:
        button.click()
    lines = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert lines[0].split(",")[:2] == ["镇街", "责任主体"] and len(lines) > 10
    assert download.value.suggested_filename == "逾期隐患清单.csv"
