"""The city board in a real Chromium at 1920×1080 (issue 15): the city's overview with its league of
districts, the districts' league, the map of towns coloured by district; a district opened from the league
shows its own towns; 返回全市 comes back; a viewer limited to one district is refused another district's and
the city's board by URL. Offline, no console errors, Chinese glyphs."""

import random
from datetime import date, timedelta

import pytest

from board import auth
from board.ingest import ingest
from board.store import Store
from browser import browser, open_page, screenshot, serve, wait_idle
from conftest import commit
from test_browser_pages import TOFU_CHECK
from test_browser_scoped import LEDGER as SCOPED_LEDGER, PASSWORD as SCOPED_PASSWORD
from test_districts_ingest import DISTRICTS as SCOPED_DISTRICTS, TOWNS as SCOPED_TOWNS

# four districts side by side, each a row of towns; two of them have a 城关镇 (town names repeat across
# districts, codes never do). quality: how well the district rectifies, and how that moves month by month.
DISTRICTS = [("E", "东湖区", 0.92, +0.004), ("W", "西山区", 0.80, -0.012), ("S", "南溪县", 0.70, +0.015),
             ("N", "北港市", 0.86, 0.0)]
TOWN_NAMES = {"E": ["城关镇", "湖滨街道", "东城街道", "新塘镇", "梅林镇"],
              "W": ["城关镇", "西岭镇", "竹溪乡", "山前街道"],
              "S": ["南溪街道", "白沙镇", "石门镇", "清水乡", "南溪工业园区", "桥头镇"],
              "N": ["港城街道", "北湖街道", "渔港镇", "海门镇"]}
CATEGORIES = ["消防安全", "安全生产", "道路交通", "燃气安全", "出租房屋", "建筑施工"]
SIZE = 0.06   # a town's square, in degrees


def towns():
    """(town_code, town_name, district_code, lon, lat) laid out district by district, west to east."""
    out = []
    for d, (code, _, _, _) in enumerate(DISTRICTS):
        for i, name in enumerate(TOWN_NAMES[code]):
            out.append((f"{code}{i + 1:02d}", name, code, 120.0 + d * 0.2 + (i % 3) * SIZE,
                        30.0 + (i // 3) * SIZE))
    return out


def build(store: Store) -> None:
    """A year of hazards per town (deterministic), each district with its own level and trend."""
    rng = random.Random(15)
    commit(store, "districts", [{"district_code": c, "district_name": n, "population": None}
                                for c, n, _, _ in DISTRICTS])
    commit(store, "towns", [{"town_code": c, "town_name": n, "district_code": d, "population": rng.randint(2, 9) * 10000,
                             "town_type": "街道" if n.endswith("街道") else "园区" if n.endswith("园区") else "镇",
                             "lon": x + SIZE / 2, "lat": y + SIZE / 2} for c, n, d, x, y in towns()])
    quality = {c: (q, trend) for c, _, q, trend in DISTRICTS}
    end = date(2026, 10, 31)
    hazards, n = [], 0
    for code, _, district, x, y in towns():
        q, trend = quality[district]
        for month in range(12):
            first = date(2025, 11, 1) + timedelta(days=31 * month)
            first = first.replace(day=1)
            good = min(0.99, max(0.3, q + trend * month + rng.uniform(-0.05, 0.05)))
            for _ in range(rng.randint(8, 20)):
                n += 1
                found = first + timedelta(days=rng.randint(0, 27))
                deadline = found + timedelta(days=rng.choice([7, 15, 30]))
                fixed = found + timedelta(days=rng.randint(1, 40)) if rng.random() < good else None
                fixed = fixed if fixed is None or fixed <= end else None
                closed = fixed + timedelta(days=rng.randint(1, 10)) if fixed and rng.random() < good else None
                closed = closed if closed is None or closed <= end else None
                hazards.append(dict(
                    hazard_id=f"H{n:05d}", town_code=code, category=rng.choice(CATEGORIES),
                    severity=rng.choices(["一般", "较大", "重大"], [8, 2, 0.4])[0], source="部门检查",
                    unit_name=f"{code}单位{rng.randint(1, 40)}", found_date=found, deadline=deadline,
                    rectified_date=fixed, closed_date=closed,
                    lon=x + rng.uniform(0.005, SIZE - 0.005), lat=y + rng.uniform(0.005, SIZE - 0.005)))
    commit(store, "hazards", hazards)
    store.save_boundaries({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"town_code": c, "town_name": n},
         "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + SIZE, y], [x + SIZE, y + SIZE],
                                                          [x, y + SIZE], [x, y]]]}}
        for c, n, _, x, y in towns()]}, "tester")


@pytest.fixture(scope="module")
def ctx():
    # one Chromium for the module: Playwright's sync API runs one at a time
    with browser() as c:
        yield c


@pytest.fixture(scope="module")
def board(tmp_path_factory, ctx):
    store = Store(tmp_path_factory.mktemp("city") / "store")
    build(store)
    with serve(store.path) as url:
        yield open_page(ctx, url, wait_text="点击区县，进入该区县的看板")


def settle(w, text: str, selector: str = '[data-testid="stPlotlyChart"]') -> None:
    wait_idle(w.page, 120_000)
    w.page.get_by_text(text).first.wait_for(timeout=120_000)
    w.page.locator(selector).first.wait_for(timeout=120_000)
    wait_idle(w.page, 120_000)
    w.page.wait_for_timeout(1500)  # let charts finish their first paint


def title(w) -> str:
    return w.page.locator("h1").first.inner_text().strip()


def chosen(w) -> str:
    """The scope the chooser shows as chosen."""
    return w.page.locator(".st-key-scope-bar").get_by_role("radio", checked=True).inner_text().strip()


def test_the_city_board_drills_down_to_a_district_and_back(board):
    page = board.page
    settle(board, "全市近12期走势")
    assert title(board) == "全市 · 总览"
    for name in ("东湖区", "西山区", "南溪县", "北港市"):
        assert page.get_by_role("button", name=f"{name} →").is_visible()
    assert "scope=city" in page.url
    screenshot(page, "city-overview")
    glyphs = page.evaluate(TOFU_CHECK)
    assert not glyphs["same"] and not glyphs["blank"]

    page.get_by_role("link", name="区县排名").first.click()
    settle(board, "各区县拉低指数的分项")
    assert title(board) == "全市 · 区县排名" and chosen(board) == "全市"   # the chooser follows a page change
    screenshot(page, "city-league")

    page.get_by_role("link", name="隐患地图").first.click()
    settle(board, "区县着色指标", '[data-testid="stDeckGlJsonChart"] canvas')
    page.wait_for_timeout(2500)
    screenshot(page, "city-map")

    page.get_by_role("link", name="总览").first.click()
    settle(board, "全市近12期走势")
    page.get_by_role("button", name="西山区 →").click()
    settle(board, "近12期走势")
    page.get_by_role("heading", name="西山区 · 总览").wait_for(timeout=60_000)
    assert "scope=W" in page.url and chosen(board) == "西山区"   # and a drill-down
    screenshot(page, "district-overview")

    page.get_by_role("link", name="镇街详情").first.click()
    settle(board, "排名走势（近12期）", '[data-testid="stDeckGlJsonChart"] canvas')
    assert title(board) == "西山区 · 镇街详情" and chosen(board) == "西山区"
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
    options = [o.strip() for o in page.get_by_role("option").all_inner_texts()]
    assert sorted(options) == sorted(TOWN_NAMES["W"])   # 西山区's own towns, its 城关镇 among them; no other district's
    page.keyboard.press("Escape")
    screenshot(page, "district-town")

    page.get_by_role("button", name="← 返回全市").click()
    settle(board, "全市看板不排镇街名次", '[data-testid="stSelectbox"]')
    assert title(board) == "全市 · 镇街详情" and "scope=city" in page.url
    page.get_by_role("link", name="总览").first.click()
    settle(board, "全市近12期走势")
    assert title(board) == "全市 · 总览"

    assert board.outside_requests == []
    assert board.console_errors == []


def test_the_districts_league_is_large_enough_to_read_across_the_room(board):
    page = board.page
    page.get_by_role("link", name="区县排名").first.click()
    settle(board, "各区县拉低指数的分项", '[data-testid="stPlotlyChart"] .table')
    sizes = page.eval_on_selector_all('[data-testid="stPlotlyChart"] .table .cell-text',
                                      "els => els.slice(0, 40).map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 20


# -- a viewer limited to one district cannot reach another by its URL ---------------------------------

@pytest.fixture(scope="module")
def scoped_board(tmp_path_factory):
    """test_browser_scoped's city (甲区 330201 with 城关镇 and 东湖街道, 乙县 330202 with 城关镇 and 西山乡; one
    hazard in each district) and a viewer of 乙县."""
    base = tmp_path_factory.mktemp("scoped-city")
    store = Store(base / "store")
    for text, name in ((SCOPED_DISTRICTS, "区县名单.csv"), (SCOPED_TOWNS, "镇街名单.csv"), (SCOPED_LEDGER, "台账.csv")):
        assert ingest(store, text.encode(), name, user="setup").committed
    users = base / "users.json"
    auth.add("观察员", SCOPED_PASSWORD, users, role="viewer", districts=["乙县"])
    with serve(store.path, env={"BOARD_USERS": str(users)}) as url:
        yield url


def log_in_by(ctx, url: str):
    w = open_page(ctx, url, wait_text="本看板需要登录后查看。")
    w.page.get_by_label("用户名").wait_for(timeout=30_000)
    w.page.get_by_label("用户名").fill("观察员")
    w.page.get_by_label("密码").fill(SCOPED_PASSWORD)
    w.page.get_by_role("button", name="登录").click()
    w.page.get_by_text("已登录查看账号").wait_for(timeout=30_000)
    return w


def test_a_district_viewer_is_refused_another_district_and_the_city_by_url(scoped_board, ctx):
    w = log_in_by(ctx, scoped_board + "/?scope=330201")      # a link to 甲区's board
    w.page.locator('[data-testid="stSidebarNav"]').get_by_text("总览", exact=True).click()
    wait_idle(w.page)
    w.page.get_by_role("heading", name="乙县 · 总览").wait_for(timeout=60_000)
    main = w.page.locator('[data-testid="stMain"]').inner_text()
    assert "无权查看该区县（甲区）" in main and "已显示 乙县" in main
    assert "scope=330202" in w.page.url
    radios = w.page.locator(".st-key-scope-bar").get_by_role("radio").all_inner_texts()
    assert [r.strip() for r in radios] == ["乙县"]               # no 全市, no 甲区 to choose
    assert "东湖街道" not in main and "甲区 ·" not in main        # none of 甲区's towns or figures
    screenshot(w.page, "district-viewer-refused")
    assert w.outside_requests == [] and w.console_errors == []

    w = log_in_by(ctx, scoped_board + "/?scope=city")         # a link to the whole city
    w.page.locator('[data-testid="stSidebarNav"]').get_by_text("镇街排名", exact=True).click()
    wait_idle(w.page)
    w.page.get_by_role("heading", name="乙县 · 镇街排名").wait_for(timeout=60_000)
    main = w.page.locator('[data-testid="stMain"]').inner_text()
    assert "无权查看全市" in main and "区县排名" not in main
