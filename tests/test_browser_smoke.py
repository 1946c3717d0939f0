"""The board opens in a real Chromium, offline, with Chinese text and no console errors."""

import pytest

from browser import browser, open_page, screenshot, serve


@pytest.fixture(scope="module")
def board_url(tmp_path_factory):
    # an empty real store: the board falls back to the demo district
    with serve(tmp_path_factory.mktemp("empty-store")) as url:
        yield url


def test_overview_opens_offline_with_chinese(board_url):
    with browser() as ctx:
        w = open_page(ctx, board_url, wait_text="整改率")
        assert w.page.get_by_text("示例数据").first.is_visible()
        shot = screenshot(w.page, "smoke-overview")
        assert shot.stat().st_size > 20_000
        assert w.outside_requests == []
        assert w.console_errors == []
