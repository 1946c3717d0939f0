"""晾晒图: the league as a phone-sized PNG, from the CLI and from render.image, read back pixel by pixel."""

import subprocess
import sys
from datetime import date

import pandas as pd
import pytest
from PIL import Image

from conftest import ROOT, commit
from render import image
from render.charts import TIER_COLOURS
from test_metrics import HAZARDS, INSPECTIONS, TOWNS


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


PILLS = {rgb(c) for c in TIER_COLOURS.values()} | {rgb(image.NO_TIER)}
DEMO = rgb(image.DEMO)


def pill_rows(img: Image.Image) -> int:
    """How many tier pills the picture has: runs of a tier colour down the pill column, one per town."""
    x = image.PILL_X[0] + 5   # left of any lettering (the words keep 9 px clear of the edges)
    runs, inside = 0, False
    for y in range(image.HEADER, img.height):
        hit = img.getpixel((x, y)) in PILLS
        runs += hit and not inside
        inside = hit
    return runs


def title_ink(img: Image.Image) -> int:
    """Light pixels in the dark title band: the title and period lettering."""
    band = img.crop((0, 0, image.WIDTH, image.HEADER)).convert("L")
    return sum(1 for v in band.getdata() if v > 180)


def demo_badge(img: Image.Image) -> int:
    band = img.crop((0, 0, image.WIDTH, image.HEADER))
    return sum(1 for p in band.getdata() if p == DEMO)


def run(*args):
    return subprocess.run([sys.executable, "-m", "board", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "BOARD_STORE": "/nonexistent"})


def test_cli_draws_one_row_per_town_at_phone_width(store, tmp_path):
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    commit(store, "inspections", INSPECTIONS)
    out = tmp_path / "晾晒图.png"
    r = run("image", "--period", "2022-12", "--as-of", "2022-12-31", "--out", str(out), "--store", str(store.path))
    assert r.returncode == 0, r.stderr
    assert "示例数据" not in r.stdout
    img = Image.open(out)
    assert img.format == "PNG" and img.width == 1080
    # 3 towns in the default groups (by their names' ends: 甲镇 镇乡, 乙街道 街道, 丙园区 园区), one list each:
    # header + per group (its name, column names, its one row, the gap) + footer
    assert img.height == image.HEADER + 3 * (image.GROUP_ROW + image.COLUMNS_ROW + image.ROW + 24) + image.FOOTER
    img = img.convert("RGB")
    assert pill_rows(img) == 3             # 甲镇, 乙街道, 丙园区 (no hazards: no index, a grey pill)
    assert title_ink(img) > 3000           # 平安晾晒 · 镇街排名 and the period line drawn in the band
    assert demo_badge(img) == 0            # a real store: no 示例数据 badge
    assert Image.open(out).text["Period"] == "2022年12月" and Image.open(out).text["AsOf"] == "2022-12-31"


def test_cli_labels_the_demo_and_draws_all_24_towns(tmp_path):
    out = tmp_path / "demo.png"
    r = run("image", "--period", "2026-10", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("【示例数据】")
    img = Image.open(out).convert("RGB")
    assert img.width == 1080 and pill_rows(img) == 24
    assert demo_badge(img) > 500


def test_cli_draws_one_group_and_refuses_a_group_the_definitions_do_not_have(store, tmp_path):
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    out = tmp_path / "街道.png"
    r = run("image", "--period", "2022-12", "--out", str(out), "--group", "街道", "--store", str(store.path))
    assert r.returncode == 0, r.stderr
    img = Image.open(out).convert("RGB")
    assert img.height == image.HEADER + image.GROUP_ROW + image.COLUMNS_ROW + image.ROW + 24 + image.FOOTER
    assert pill_rows(img) == 1             # 乙街道 only
    r = run("image", "--period", "2022-12", "--out", str(tmp_path / "x.png"), "--group", "社区",
            "--store", str(store.path))
    assert r.returncode == 2 and not (tmp_path / "x.png").exists()
    assert "分组" in r.stderr and "镇乡" in r.stderr and "街道" in r.stderr and "园区" in r.stderr


def test_cli_draws_the_groups_the_saved_definitions_set(store, tmp_path):
    from board import definitions as defs
    commit(store, "towns", TOWNS)
    commit(store, "hazards", HAZARDS)
    saved = dict(defs.load(store, store.state()), groups={"全部镇街": ["镇", "街道", "园区"]})
    store.save_definitions(saved, "tester")
    out = tmp_path / "all.png"
    r = run("image", "--period", "2022-12", "--out", str(out), "--store", str(store.path))
    assert r.returncode == 0, r.stderr
    img = Image.open(out).convert("RGB")
    # one group holding all three towns: one list of three rows
    assert img.height == image.HEADER + image.GROUP_ROW + image.COLUMNS_ROW + 3 * image.ROW + 24 + image.FOOTER
    assert pill_rows(img) == 3
    r = run("image", "--period", "2022-12", "--out", str(tmp_path / "x.png"), "--group", "街道",
            "--store", str(store.path))
    assert r.returncode == 2 and "全部镇街" in r.stderr and not (tmp_path / "x.png").exists()


def grouped_towns() -> pd.DataFrame:
    # five towns in two groups; 乙 and 丁 tie inside 街道 (same index, same group rank)
    return pd.DataFrame({
        "town_code": list("ABCDE"), "town_name": ["甲镇", "乙街道", "丙乡", "丁街道", "戊街道"],
        "group": ["镇乡", "街道", "镇乡", "街道", "街道"],
        "score": [80.0, 75.0, 60.0, 75.0, 40.0], "rank": [1, 2, 4, 2, 5],
        "rank_change": [1, 0, -1, pd.NA, 2], "tier": ["green", "green", "yellow", "green", "red"],
        "group_rank": [1, 1, 2, 1, 3], "group_rank_change": [0, 1, 0, pd.NA, -1],
    })


def draw(towns, **kw):
    import io
    body = image.league_png(towns, period_label="2026年10月", as_of=date(2026, 10, 31), is_demo=False,
                            tiers={"green": 70, "yellow": 50}, previous_label="2026年9月", **kw)
    return Image.open(io.BytesIO(body)).convert("RGB")


def test_groups_are_drawn_as_separate_lists():
    img = draw(grouped_towns())
    assert [g for g, _ in image.sections(grouped_towns())] == ["镇乡", "街道"]
    assert pill_rows(img) == 5
    # two group titles and two column-name rows more than one list of five
    assert img.height == (image.HEADER + 2 * image.GROUP_ROW + 2 * image.COLUMNS_ROW + 5 * image.ROW
                          + 2 * 24 + image.FOOTER)


def test_one_group_only():
    img = draw(grouped_towns(), group="街道")
    assert pill_rows(img) == 3              # 乙街道, 丁街道, 戊街道
    _, rows = image.sections(grouped_towns(), "街道")[0]
    assert list(image._ranks(rows, True)[0]) == [1, 1, 3]  # the tie shares rank 1 within the group


def test_an_unknown_group_is_refused_with_the_groups_named():
    with pytest.raises(ValueError, match="镇乡、街道"):
        image.sections(grouped_towns(), "园区")


def test_a_long_town_name_is_cut_to_its_column():
    towns = grouped_towns().drop(columns=["group", "group_rank", "group_rank_change"])
    towns.loc[0, "town_name"] = "名" * 60
    img = draw(towns)
    assert pill_rows(img) == 5               # the name did not run over the index and the pill
    assert image._fit("名" * 60, image.font(38), 300).endswith("…")


def test_the_picture_in_english_has_english_words_and_the_same_rows():
    from ui.i18n import EN
    towns = grouped_towns().drop(columns=["group", "group_rank", "group_rank_change"])
    img = draw(towns, t=lambda text: EN.get(text, text))
    assert pill_rows(img) == 5 and title_ink(img) > 3000
    # Yellow is wider than 黄: the word is set smaller to stay inside its pill, whose right edge stays clear
    x, y = image.PILL_X[1] + 4, image.HEADER + image.COLUMNS_ROW + 12 + image.ROW // 2
    assert img.getpixel((x, y)) in {(255, 255, 255), rgb(image.STRIPE)}
