"""晾晒图: the league as a PNG for a phone in the work group (浙政钉 / WeChat); `python -m board image`.

Drawn with Pillow, which rasterises Noto Sans CJK straight from Debian's TTC (the SC face, by name) into
the pixels: the picture needs no font on the phone that opens it, no browser and nothing fetched. The
figures are metrics.league's; this module only lays them out.
"""

from __future__ import annotations

import io
import sys
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from board import metrics, vocab
from render.charts import TIER_COLOURS, _chinese, rank_change_text
from render.report import BOLD, REGULAR

WIDTH = 1080            # a phone screen's width in pixels: the work group shows it edge to edge
MARGIN = 48
HEADER = 236            # the dark title band
COLUMNS_ROW = 64        # the column names above each list
GROUP_ROW = 84          # a group's name above its list
ROW = 68                # one town
FOOTER = 190
PILL_X = (WIDTH - MARGIN - 100, WIDTH - MARGIN)   # the tier pill's left and right edge
NO_TIER = "#9e9e9e"
INK, MUTED, BAND, STRIPE = "#111111", "#5f6b73", "#263238", "#f3f5f6"
UP, DOWN = "#2e7d32", "#c62828"
DEMO = "#ef6c00"


def _same(text: str) -> str:
    return text


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Noto Sans CJK SC at a pixel size (the face picked from the collection by name, not by position)."""
    path = str(BOLD if bold else REGULAR)
    return ImageFont.truetype(path, size, index=_sc_index(path))


@lru_cache(maxsize=4)
def _sc_index(path: str) -> int:
    for i in range(16):
        try:
            if ImageFont.truetype(path, 12, index=i).getname()[0] == "Noto Sans CJK SC":
                return i
        except OSError:
            break
    raise OSError(f"{path} 中没有 Noto Sans CJK SC 字体（请安装 fonts-noto-cjk）")


def sections(towns: pd.DataFrame, group: str | None = None) -> list[tuple[str | None, pd.DataFrame]]:
    """The lists the picture draws: one per group when the towns carry a `group` (the definitions set
    groups), in the order the groups first appear; else one list. `group` keeps only that group."""
    has_groups = "group" in towns.columns and towns["group"].notna().any()
    if group is not None:
        if not has_groups:
            raise ValueError("指标设置中没有定义镇街分组，不能按分组生成晾晒图")
        names = [g for g in towns["group"].dropna().unique()]
        if group not in names:
            raise ValueError(f"没有分组“{group}”；可选：{'、'.join(map(str, names))}")
        return [(group, towns[towns["group"] == group])]
    if not has_groups:
        return [(None, towns)]
    return [(g, towns[towns["group"] == g]) for g in towns["group"].dropna().unique()]


def _ranks(rows: pd.DataFrame, grouped: bool) -> tuple[pd.Series, pd.Series]:
    """Rank and rank change as the list shows them: within the group when the core gives group ranks."""
    if grouped and "group_rank" in rows.columns:
        change = rows["group_rank_change"] if "group_rank_change" in rows.columns else pd.Series(pd.NA, rows.index)
        return rows["group_rank"], change
    return rows["rank"], rows["rank_change"]


def height_for(lists: list[tuple[str | None, pd.DataFrame]]) -> int:
    grouped = sum(GROUP_ROW for g, _ in lists if g is not None)
    return HEADER + grouped + sum(COLUMNS_ROW + ROW * len(rows) for _, rows in lists) + 24 * len(lists) + FOOTER


def league_png(towns: pd.DataFrame, *, period_label: str, as_of: date, is_demo: bool, tiers: dict | None = None,
               previous_label: str | None = None, group: str | None = None, t=_same) -> bytes:
    """The league of metrics.league (rank order) as a 1080 px wide PNG: title, period, as-of date, then one
    row per town (rank, ▲▼ change, name, 平安指数, tier colour), per group when groups are set."""
    lists = sections(towns, group)
    img = Image.new("RGB", (WIDTH, height_for(lists)), "#ffffff")
    d = ImageDraw.Draw(img)

    # the title band
    d.rectangle((0, 0, WIDTH, HEADER), fill=BAND)
    title = t("平安晾晒 · 镇街排名") + (f" · {group}" if group else "")
    d.text((MARGIN, 34), _fit(title, font(60, True), WIDTH - 2 * MARGIN), font=font(60, True), fill="#ffffff")
    d.text((MARGIN, 132), f"{period_label}  ·  {t('截至')} {as_of:%Y-%m-%d}", font=font(36), fill="#cfd8dc")
    if is_demo:
        label = t("示例数据")
        w = d.textlength(label, font=font(32, True))
        box = (WIDTH - MARGIN - w - 36, 132, WIDTH - MARGIN, 184)
        d.rounded_rectangle(box, radius=10, fill=DEMO)
        d.text((box[0] + 18, 158), label, font=font(32, True), fill="#ffffff", anchor="lm")

    y = HEADER + 12
    for name, rows in lists:
        if name is not None:
            heading = f"{name}（{len(rows)}）" if _chinese(t) else f"{name} ({len(rows)})"
            d.text((MARGIN, y + GROUP_ROW // 2), _fit(heading, font(42, True), WIDTH - 2 * MARGIN),
                   font=font(42, True), fill=INK, anchor="lm")
            d.line((MARGIN, y + GROUP_ROW - 6, WIDTH - MARGIN, y + GROUP_ROW - 6), fill=BAND, width=3)
            y += GROUP_ROW
        y = _column_names(d, y, t)
        rank, change = _ranks(rows, name is not None)
        for i, (r, c, town, score, tier) in enumerate(zip(rank, change, rows["town_name"], rows["score"],
                                                          rows["tier"])):
            _row(d, y, i, r, c, town, score, tier, t)
            y += ROW
        y += 24

    # what the colours and arrows mean
    y += 8
    d.line((MARGIN, y, WIDTH - MARGIN, y), fill="#cfd8dc", width=2)
    notes = []
    if tiers:
        notes.append(t("三色：绿 ≥ {g} 分，黄 ≥ {y} 分，其余为红").format(g=tiers["green"], y=tiers["yellow"]))
    if previous_label:
        notes.append(t("排名变化与上一统计期比较") + (f"（{previous_label}）" if _chinese(t) else f" ({previous_label})"))
    for k, note in enumerate(notes[:2]):
        d.text((MARGIN, y + 22 + 44 * k), _fit(note, font(28), WIDTH - 2 * MARGIN), font=font(28), fill=MUTED)
    d.text((WIDTH - MARGIN, y + 22 + 44 * 2), t("平安晾晒台"), font=font(26, True), fill=MUTED, anchor="ra")

    info = PngImagePlugin.PngInfo()
    info.add_itxt("Title", title)
    info.add_itxt("Period", period_label)
    info.add_itxt("AsOf", as_of.isoformat())
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True, pnginfo=info)
    return buf.getvalue()


def _column_names(d: ImageDraw.ImageDraw, y: int, t) -> int:
    f, mid = font(28), y + COLUMNS_ROW // 2
    d.text((MARGIN + 50, mid), t("排名"), font=f, fill=MUTED, anchor="mm")
    d.text((MARGIN + 175, mid), t("变化"), font=f, fill=MUTED, anchor="mm")
    d.text((MARGIN + 260, mid), t("镇街"), font=f, fill=MUTED, anchor="lm")
    d.text((PILL_X[0] - 40, mid), t("平安指数"), font=f, fill=MUTED, anchor="rm")
    d.text(((PILL_X[0] + PILL_X[1]) // 2, mid), t("三色"), font=f, fill=MUTED, anchor="mm")
    return y + COLUMNS_ROW


def _row(d: ImageDraw.ImageDraw, y: int, i: int, rank, change, town, score, tier, t) -> None:
    mid = y + ROW // 2
    if i % 2 == 0:
        d.rectangle((0, y, WIDTH, y + ROW - 1), fill=STRIPE)
    d.text((MARGIN + 50, mid), "—" if pd.isna(rank) else str(int(rank)), font=font(40, True), fill=INK, anchor="mm")
    moved = 0 if pd.isna(change) else int(change)
    d.text((MARGIN + 175, mid), rank_change_text(change), font=font(34, True),
           fill=UP if moved > 0 else DOWN if moved < 0 else MUTED, anchor="mm")
    name_right = PILL_X[0] - 40 - 190
    d.text((MARGIN + 260, mid), _fit(str(town), font(38), name_right - MARGIN - 260), font=font(38), fill=INK,
           anchor="lm")
    d.text((PILL_X[0] - 40, mid), "—" if pd.isna(score) else f"{float(score):.2f}", font=font(40, True), fill=INK,
           anchor="rm")
    known = isinstance(tier, str) and tier in TIER_COLOURS
    d.rounded_rectangle((PILL_X[0], y + 12, PILL_X[1], y + ROW - 12), radius=14,
                        fill=TIER_COLOURS[tier] if known else NO_TIER)
    word = t(vocab.TIERS[tier]) if known else "—"
    size = 30
    while size > 18 and font(size, True).getlength(word) > PILL_X[1] - PILL_X[0] - 18:
        size -= 2   # Yellow is wider than 黄
    d.text(((PILL_X[0] + PILL_X[1]) // 2, mid), word, font=font(size, True), fill="#ffffff", anchor="mm")


def _fit(text: str, f: ImageFont.FreeTypeFont, width: float) -> str:
    """The text, cut with … when it is wider than `width` pixels."""
    if f.getlength(text) <= width:
        return text
    while text and f.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


# -- python -m board image --------------------------------------------------------------


def register(sub) -> None:
    sp = sub.add_parser("image", help="生成晾晒图（镇街排名 PNG，适合发到工作群）")
    sp.add_argument("--period", required=True, help="统计期，例如 2026-10、2026-Q3")
    sp.add_argument("--out", required=True, type=Path, help="输出文件 .png")
    sp.add_argument("--group", help="只画这一分组（指标设置中定义的镇街分组）")
    sp.add_argument("--as-of", type=date.fromisoformat, help="截至日期 YYYY-MM-DD（默认台账中最新日期）")
    sp.add_argument("--store", type=Path, help="数据仓库目录（默认 BOARD_STORE，否则 data/store）")
    sp.set_defaults(func=cmd_image)


def cmd_image(args) -> int:
    from board import db, definitions as defs
    from board.cli import read_store

    if args.out.suffix.lower() != ".png":
        raise ValueError("输出文件应为 .png")
    period = metrics.parse_period(args.period)
    store = read_store(args.store)
    state = store.state()
    con = db.connect(state)
    definitions = defs.load(store, state)
    as_of = args.as_of or metrics.default_as_of(con)
    if as_of is None:
        raise ValueError("台账中还没有隐患，无法生成晾晒图")
    towns, _, _ = metrics.league(con, period, as_of, definitions)
    body = league_png(towns, period_label=period.label, as_of=as_of, is_demo=state.is_demo,
                      tiers=definitions.get("tiers"), previous_label=period.previous().label, group=args.group)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(body)
    tag = "【示例数据】" if state.is_demo else ""
    print(f"{tag}晾晒图（{period.label}，截至 {as_of}{'，' + args.group if args.group else ''}）已写入 {args.out}",
          file=sys.stdout)
    return 0
