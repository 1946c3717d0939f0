"""Figures for the leaders' pages: DataFrame in, plotly Figure or pydeck Deck out (no Streamlit here).

Text shown on a chart comes through `t` (the viewer's language), passed in by the page.
Rates arrive as fractions and are drawn as percentages with two decimals (DESIGN §3).
"""

from __future__ import annotations

import base64
import html
import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from board import vocab
from render.format import colour as fmt_colour

TIER_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828"}
TIER_NAMES = vocab.TIERS
STATUS_COLOURS = {  # the map's point colours, worst first (drawn last, on top)
    vocab.OVERDUE: (198, 40, 40), vocab.OPEN: (255, 160, 0), vocab.RECTIFIED: (21, 101, 192),
    vocab.CLOSED: (46, 125, 50),
}
SEVERITY_RADIUS = dict(zip(vocab.SEVERITIES, (4, 6, 9)))  # screen pixels, legible on a wall screen at any zoom
BACKGROUND = "#f4f4f0"
# Plotly config for every chart: no logo, no link out, nothing fetched (MathJax is only loaded for $…$ text).
PLOTLY_CONFIG = {"displaylogo": False, "showLink": False, "showSendToCloud": False,
                 "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"]}
FONT = dict(family="Noto Sans CJK SC, Noto Sans SC, sans-serif", size=18)


def _same(text: str) -> str:
    return text


def _chinese(t) -> bool:
    """Whether `t` speaks Chinese (the keys are the Chinese text, so Chinese returns them unchanged)."""
    return t("月") == "月"


def _layout(fig: go.Figure, height: int, **kw) -> go.Figure:
    base = dict(height=height, font=FONT, margin=dict(l=90, r=30, t=50, b=60),
                legend=dict(orientation="h", y=1.12, x=0), paper_bgcolor="#ffffff", plot_bgcolor="#ffffff")
    fig.update_layout(**dict(base, **kw))
    if not any(isinstance(d, go.Table) for d in fig.data):
        fig.update_xaxes(automargin=True)
        fig.update_yaxes(automargin=True)
    return fig


# -- overview -----------------------------------------------------------------------


def kpi_trend(trend: pd.DataFrame, t=_same) -> go.Figure:
    """Hazards found per period (bars) and the three ledger rates (lines, right axis), oldest first."""
    # periods on the axis as the viewer reads them: 2026年10月 in Chinese, the code (2026-10) otherwise
    x = trend["label"] if _chinese(t) else trend["period"]
    fig = go.Figure()
    fig.add_bar(x=x, y=trend["found"], name=t("发现隐患"), marker_color="#90a4ae",
                hovertemplate="%{x}<br>%{y:,}<extra></extra>")
    for col, name, colour in (("rectification_rate", "整改率", "#1565c0"), ("closure_rate", "销号率", "#2e7d32"),
                              ("on_time_rate", "按期整改率", "#ef6c00")):
        fig.add_scatter(x=x, y=trend[col].astype("float64"), name=t(name), yaxis="y2",
                        mode="lines+markers", line=dict(color=colour, width=3),
                        hovertemplate="%{x}<br>%{y:.2%}<extra>" + t(name) + "</extra>")
    return _layout(fig, 440, margin=dict(l=90, r=90, t=50, b=60), xaxis=dict(type="category"),
                   yaxis=dict(title=t("发现隐患"), rangemode="tozero", automargin=True),
                   yaxis2=dict(overlaying="y", side="right", tickformat=".0%", range=[0, 1.02], dtick=0.2,
                               title=t("比率"), showgrid=False, automargin=True))


# -- the league -----------------------------------------------------------------------


def rank_change_text(change) -> str:
    """▲3 moved up three places, ▼2 down two, — unchanged or no earlier rank."""
    if change is None or pd.isna(change) or int(change) == 0:
        return "—"
    return f"▲{int(change)}" if change > 0 else f"▼{-int(change)}"


def _league_cells(towns: pd.DataFrame, components: list[tuple[str, str, str]], t, fmt) -> dict:
    """What a league table shows, whatever draws it: headers, column texts, the tier cells' fills, the change
    column's colours, column widths and alignment."""
    fmt = fmt or {}
    tier = towns["tier"].map(lambda v: t(TIER_NAMES.get(v, "—")) if isinstance(v, str) else "—")
    if "has_data" in towns:
        # a town with no hazards in the period is ranked after the others and says so
        tier = tier.where(towns["has_data"].astype(bool), t("无数据"))
    cells = [towns["rank"].map(lambda v: "—" if pd.isna(v) else str(int(v))), towns["rank_change"].map(
        rank_change_text), towns["town_name"], towns["score"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}"),
        tier]
    for code, _, kind in components:
        cells.append(towns[code].map(fmt.get(kind, str)))
    return dict(
        header=[t("排名"), t("变化"), t("镇街"), t("平安指数"), t("三色")] + [t(lbl) for _, lbl, _ in components],
        cells=[c.tolist() for c in cells],
        tier_fill=towns["tier"].map(
            lambda v: TIER_COLOURS.get(v, "#eeeeee") if isinstance(v, str) else "#eeeeee").tolist(),
        change_colour=towns["rank_change"].map(
            lambda v: "#2e7d32" if pd.notna(v) and v > 0 else "#c62828" if pd.notna(v) and v < 0 else "#555555"
        ).tolist(),
        widths=[60, 70, 190, 110, 70] + [120] * len(components),
        align=["center", "center", "left", "right", "center"] + ["right"] * len(components))


def league_table(towns: pd.DataFrame, components: list[tuple[str, str, str]], t=_same,
                 fmt=None) -> go.Figure:
    """The league as a big-type table: rank, change, town, index, tier, then component values.

    components: (code, label, kind) with kind "rate" or "number"; fmt maps kind → formatter.
    """
    c = _league_cells(towns, components, t, fmt)
    n, widths = len(towns), c["widths"]
    white = ["#ffffff" if i % 2 else "#f7f7f7" for i in range(n)]
    fills = [white, white, white, white, c["tier_fill"]] + [white] * len(components)
    fonts = [["#111111"] * n, c["change_colour"], ["#111111"] * n, ["#111111"] * n,
             ["#ffffff"] * n] + [["#111111"] * n] * len(components)
    # Headers broken into lines here, so that the figure is as tall as its header really is: left to plotly,
    # English headers wrap to three lines and push the last towns out of a figure of fixed height.
    lines = [_wrap(h, w, 20) for h, w in zip(c["header"], widths)]
    header_height = 44 if max(len(x) for x in lines) == 1 else 26 * max(len(x) for x in lines) + 16
    fig = go.Figure(go.Table(
        columnwidth=widths,
        header=dict(values=["<br>".join(f"<b>{x}</b>" for x in h) for h in lines], fill_color="#263238",
                    font=dict(color="#ffffff", size=20), height=header_height, align="center"),
        cells=dict(values=c["cells"], fill_color=fills, font=dict(size=22, color=fonts), height=40,
                   align=c["align"]),
    ))
    # one header line to spare: a narrower screen may wrap a header once more without cutting off a town
    return _layout(fig, header_height + 40 * n + 30 + (26 if len(lines) and header_height > 44 else 0),
                   margin=dict(l=0, r=0, t=0, b=0))


def league_html(towns: pd.DataFrame, components: list[tuple[str, str, str]], t=_same, fmt=None) -> str:
    """league_table's table as HTML (the same texts, colours and big type; every text escaped), for the first
    page: it shows as soon as it arrives, where a plotly figure waits for the browser to load plotly
    (4.7 MB of JavaScript, 0.6–2 s of a fresh browser's time on two busy cores)."""
    c = _league_cells(towns, components, t, fmt)
    total = sum(c["widths"])
    cols = "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in c["widths"])
    head = "".join(f'<th style="background:#263238;color:#fff;font-size:20px;font-weight:700;padding:6px 8px;'
                   f'text-align:center;border:1px solid #fff">{html.escape(h)}</th>' for h in c["header"])
    rows = []
    for i in range(len(towns)):
        fill = "#ffffff" if i % 2 else "#f7f7f7"
        cells = []
        for j, column in enumerate(c["cells"]):
            colour = c["change_colour"][i] if j == 1 else "#ffffff" if j == 4 else "#111111"
            background = c["tier_fill"][i] if j == 4 else fill
            cells.append(f'<td style="background:{fmt_colour(background)};color:{fmt_colour(colour)};'
                         f'text-align:{c["align"][j]};'
                         f'padding:4px 8px;height:40px;border:1px solid #fff">{html.escape(str(column[i]))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ('<table class="league-html" style="width:100%;border-collapse:collapse;table-layout:fixed;'
            f'font-size:22px;font-family:{FONT["family"]}"><colgroup>{cols}</colgroup>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


# Words a long Chinese header may be broken before (Chinese has no spaces to break at): 每万人|逾期隐患,
# 晾晒问题|销号率, 积压最久|天数.
_CJK_WORDS = ("逾期", "隐患", "销号", "整改", "复发", "晾晒", "问题", "天数", "人数", "积压", "最久", "最长",
              "按期", "指数", "得分", "排名", "网格", "检查", "发现", "累计")


def _wrap(text: str, width: float, size: int) -> list[str]:
    """A table header in lines that fit a column `width` units wide (about 1.15 px each in a wide page on a
    1920 px screen, 1 px beside the open sidebar) in bold type `size` px high: English greedily by words, a
    Chinese header without spaces broken in two before a word near its middle."""
    def px(s):
        # a Chinese glyph is one em; 1.1 em keeps a header that fits only with the sidebar closed (6 characters
        # in a 120-unit column) from overflowing beside it
        return sum(1.1 * size if ord(c) > 0x2e80 else 0.52 * size for c in s)
    room = 1.15 * width - 10
    out = []
    for word in text.split(" "):
        if out and px(out[-1] + " " + word) <= room:
            out[-1] += " " + word
        else:
            out.append(word)
    return [part for line in out for part in _break_cjk(line, px, room)]


def _break_cjk(line: str, px, room: float) -> list[str]:
    """A line too wide for `room`, mostly Chinese, split in two (each half again if need be) before a listed word
    nearest its middle, else at its middle; Latin words and short lines are left whole."""
    if px(line) <= room or len(line) < 2 or sum(ord(c) > 0x2e80 for c in line) * 2 < len(line):
        return [line]
    middle = len(line) / 2
    at = sorted({i for w in _CJK_WORDS for i in range(1, len(line)) if line.startswith(w, i)},
                key=lambda i: (abs(i - middle), -i))
    cut = at[0] if at and abs(at[0] - middle) <= len(line) / 4 else math.ceil(middle)
    return _break_cjk(line[:cut], px, room) + _break_cjk(line[cut:], px, room)


def index_bars(towns: pd.DataFrame, t=_same) -> go.Figure:
    """平安指数 per town, best at the top, coloured by tier."""
    df = towns.dropna(subset=["score"]).sort_values("score")
    colours = df["tier"].map(lambda v: TIER_COLOURS.get(v, "#9e9e9e"))
    fig = go.Figure(go.Bar(x=df["score"], y=df["town_name"], orientation="h", marker_color=colours,
                           text=df["score"].map(lambda v: f"{v:.2f}"), textposition="outside",
                           hovertemplate="%{y}<br>" + t("平安指数") + " %{x:.2f}<extra></extra>"))
    return _layout(fig, max(360, 30 * len(df) + 60), xaxis=dict(range=[0, 105], title=t("平安指数")),
                   showlegend=False)


def why_bars(why: pd.DataFrame, t=_same) -> go.Figure:
    """Index points each component adds against a town scoring the district median (green above, red below)."""
    df = why.dropna(subset=["versus_median"]).sort_values("versus_median")
    colours = df["versus_median"].map(lambda v: "#2e7d32" if v >= 0 else "#c62828")
    fig = go.Figure(go.Bar(x=df["versus_median"], y=df["name"].map(t), orientation="h", marker_color=colours,
                           text=df["versus_median"].map(lambda v: f"{v:+.2f}"), textposition="outside",
                           hovertemplate="%{y}<br>%{x:+.2f}<extra></extra>"))
    lim = max(1.0, float(df["versus_median"].abs().max() or 0) * 1.3) if len(df) else 1.0
    return _layout(fig, max(320, 34 * len(df) + 80), showlegend=False,
                   xaxis=dict(title=t("相对全区中位数的得分（指数点）"), range=[-lim, lim], zeroline=True,
                              zerolinewidth=2, zerolinecolor="#333333"))


def rank_history(history: pd.DataFrame, towns: int, t=_same) -> go.Figure:
    """One town's rank over the periods (1 at the top), markers coloured by tier."""
    colours = history["tier"].map(lambda v: TIER_COLOURS.get(v, "#9e9e9e") if isinstance(v, str) else "#9e9e9e")
    y = history["rank"].astype("float64")
    fig = go.Figure(go.Scatter(x=history["period"], y=y, mode="lines+markers+text", line=dict(color="#546e7a", width=3),
                               cliponaxis=False,
                               marker=dict(size=16, color=colours), text=history["rank"].map(
                                   lambda v: "" if pd.isna(v) else str(int(v))), textposition="top center",
                               hovertemplate="%{x}<br>" + t("排名") + " %{y}<extra></extra>"))
    return _layout(fig, 380, showlegend=False,
                   yaxis=dict(autorange=False, range=[towns + 1, -0.5], title=t("排名"), dtick=max(1, towns // 6)),
                   xaxis=dict(type="category"))


# -- progress -----------------------------------------------------------------------


def funnel(district: pd.Series, t=_same) -> go.Figure:
    """The lifecycle of the period's hazards: found → rectified → closed."""
    fig = go.Figure(go.Funnel(y=[t("发现"), t("整改"), t("销号")],
                              x=[int(district["found"]), int(district["rectified"]), int(district["closed"])],
                              textinfo="value+percent initial", marker_color=["#546e7a", "#1565c0", "#2e7d32"],
                              textfont=dict(size=22)))
    return _layout(fig, 320, showlegend=False)


def backlog_lines(backlog: pd.DataFrame, t=_same) -> go.Figure:
    """Open (not rectified), of which overdue, and rectified-not-closed at each month end."""
    fig = go.Figure()
    for col, name, colour in (("open", "未整改", "#ffa000"), ("overdue", "其中逾期", "#c62828"),
                              ("rectified_not_closed", "已整改待销号", "#1565c0")):
        fig.add_scatter(x=backlog["month"], y=backlog[col], name=t(name), mode="lines+markers",
                        line=dict(color=colour, width=3), hovertemplate="%{x}<br>%{y:,}<extra>" + t(name) + "</extra>")
    return _layout(fig, 360, yaxis=dict(rangemode="tozero"), xaxis=dict(type="category"))


AGE_COLOURS = ("#ffcc80", "#ff9800", "#e65100", "#8e0000")


def ageing_bars(ageing: pd.DataFrame, by: str, buckets, t=_same) -> go.Figure:
    """Overdue hazards stacked by age bucket, one bar per `by` (town_name or severity)."""
    totals = ageing.groupby(by)["hazards"].sum().sort_values()
    fig = go.Figure()
    for bucket, colour in zip(buckets, AGE_COLOURS):
        part = ageing[ageing["bucket"] == bucket].groupby(by)["hazards"].sum().reindex(totals.index, fill_value=0)
        fig.add_bar(y=[t(str(v)) for v in part.index], x=part.values, name=t(bucket), orientation="h",
                    marker_color=colour, hovertemplate="%{y}<br>%{x:,}<extra>" + t(bucket) + "</extra>")
    return _layout(fig, max(260, 26 * len(totals) + 100), barmode="stack")


def escalation_bars(esc: pd.DataFrame, levels: dict, t=_same) -> go.Figure:
    """Hazards per escalation level, split into still open and rectified."""
    g = esc.groupby("escalation")[["hazards", "open"]].sum().reindex(list(levels), fill_value=0)
    names = [t(levels[k]) for k in g.index]
    fig = go.Figure()
    fig.add_bar(x=names, y=g["hazards"] - g["open"], name=t("已整改"), marker_color="#2e7d32")
    fig.add_bar(x=names, y=g["open"], name=t("未整改"), marker_color="#c62828")
    return _layout(fig, 340, barmode="stack")


def notice_bars(notices: pd.DataFrame, t=_same) -> go.Figure:
    """Aired hazards per notice number: closed and not yet closed."""
    x = notices["notice_no"].map(lambda v: f"第{int(v)}期" if _chinese(t) else f"No. {int(v)}")
    fig = go.Figure()
    fig.add_bar(x=x, y=notices["closed"], name=t("已销号"), marker_color="#2e7d32")
    fig.add_bar(x=x, y=notices["aired"] - notices["closed"], name=t("未销号"), marker_color="#ffa000")
    return _layout(fig, 340, barmode="stack", xaxis=dict(type="category"))


# -- the map ------------------------------------------------------------------------


def blank_style() -> str:
    """A MapLibre style with only a background: no tiles, no glyphs, nothing fetched (DESIGN §5)."""
    style = {"version": 8, "sources": {}, "layers": [
        {"id": "bg", "type": "background", "paint": {"background-color": BACKGROUND}}]}
    return "data:application/json;base64," + base64.b64encode(json.dumps(style).encode()).decode()


def _bounds(features: list[dict]) -> tuple[float, float, float, float] | None:
    xs, ys = [], []

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for part in c or []:
                walk(part)
    for f in features:
        walk((f.get("geometry") or {}).get("coordinates"))
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def view_for(bounds, width: int = 1400, height: int = 700) -> pdk.ViewState:
    """The view that fits a lon/lat box into a width × height map."""
    x0, y0, x1, y1 = bounds
    lat = (y0 + y1) / 2
    span_x = max(x1 - x0, 1e-3)
    span_y = max((y1 - y0) / max(math.cos(math.radians(lat)), 0.2), 1e-3)
    # deck.gl's world is 512 px wide at zoom 0
    zoom = min(math.log2(width / 512 * 360 / span_x), math.log2(height / 512 * 360 / span_y)) - 0.3
    return pdk.ViewState(longitude=(x0 + x1) / 2, latitude=lat, zoom=round(zoom, 2), pitch=0, bearing=0)


def _ramp(x: float) -> list[int]:
    """0 (good) → pale, 1 (bad) → deep red."""
    lo, hi = (255, 243, 224), (183, 28, 28)
    return [round(a + (b - a) * x) for a, b in zip(lo, hi)] + [170]


def choropleth(boundaries: dict, values: pd.DataFrame, metric: str, direction: str, label: str,
               text: dict, focus: str | None = None, t=_same) -> tuple[dict, list[tuple[str, str]]]:
    """Boundaries with a fill colour per town (red = worse) and a hover text; plus legend entries.

    values: town_code, value (numbers; tiers for metric "tier"); text: town_code → the formatted value.
    """
    v = values.set_index("town_code")["value"]
    legend = []
    if metric == "tier":
        colour = {c: [*_hex(TIER_COLOURS[x]), 120] if isinstance(x, str) and x in TIER_COLOURS else [200, 200, 200, 120]
                  for c, x in v.items()}
        legend = [(t(TIER_NAMES[k]), c) for k, c in TIER_COLOURS.items()]
    else:
        num = pd.to_numeric(v, errors="coerce").astype("float64")
        lo, hi = num.min(), num.max()
        colour = {}
        for c, x in num.items():
            if pd.isna(x):
                colour[c] = [220, 220, 220, 120]
                continue
            r = 0.0 if hi == lo else (x - lo) / (hi - lo)
            colour[c] = _ramp(r if direction == "lower" else 1 - r)
        legend = [(t("较好"), _rgb(_ramp(0.0))), (t("居中"), _rgb(_ramp(0.5))), (t("较差"), _rgb(_ramp(1.0))),
                  (t("无数据"), "#dcdcdc")]
    features = []
    for f in boundaries.get("features", []):
        p = f.get("properties") or {}
        code = str(p.get("town_code", ""))
        name = str(p.get("town_name", code))
        dim = focus is not None and code != focus
        fill = colour.get(code, [220, 220, 220, 120])
        features.append({"type": "Feature", "geometry": f.get("geometry"), "properties": {
            "town_code": code, "town_name": name,
            "fill": [fill[0], fill[1], fill[2], 60] if dim else fill,
            "line": [40, 40, 40, 255] if code == focus else [90, 90, 90, 200],
            "tip_title": name, "tip_body": f"{label}{'：' if _chinese(t) else ': '}{text.get(code, '—')}",
        }})
    return {"type": "FeatureCollection", "features": features}, legend


def _rgb(c: list[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*c[:3])


def legend_html(entries: list[tuple[str, str]]) -> str:
    """Coloured swatches with labels. A label may be data (a district's name on the city map): every label is
    escaped, and a colour that is not a plain CSS colour is drawn grey (format.colour)."""
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:22px;font-size:18px">'
        f'<span style="width:18px;height:18px;border-radius:50%;background:{fmt_colour(c)};display:inline-block;'
        f'margin-right:6px;border:1px solid #555"></span>{html.escape(label)}</span>' for label, c in entries)
    return f"<div>{items}</div>"


def status_legend(t=_same) -> list[tuple[str, str]]:
    return [(t(s), _rgb(list(c))) for s, c in STATUS_COLOURS.items()]


def _hex(colour: str) -> list[int]:
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


# Hover text: Streamlit's deck.gl frontend HTML-escapes each {field} it substitutes into `html`, so data
# values are passed raw here (escaping them again would show &amp;lt; on screen).
TOOLTIP = {"html": "<b>{tip_title}</b><br/>{tip_body}",
           "style": {"fontSize": "16px", "backgroundColor": "#263238", "color": "#ffffff"}}


def point_frame(points: pd.DataFrame, with_details: bool, t=_same) -> pd.DataFrame:
    """Only the columns the map needs, coordinates rounded to about a metre (a smaller message)."""
    out = pd.DataFrame({
        "lon": points["lon"].astype("float64").round(5),
        "lat": points["lat"].astype("float64").round(5),
        "r": points["severity"].map(SEVERITY_RADIUS).fillna(SEVERITY_RADIUS["一般"]).astype("int32"),
    })
    if with_details:
        days = points["overdue_days"].map(lambda d: "" if pd.isna(d) else f"（{int(d)} {t('天')}）")
        out["tip_title"] = (points["unit_name"].fillna("").astype(str) + " (" + points["hazard_id"].astype(str) + ")")
        out["tip_body"] = (points["town_name"].fillna("").astype(str) + " · " + points["category"].fillna("").astype(str)
                           + " · " + points["severity"].fillna("").astype(str) + " · "
                           + points["status"].map(lambda s: t(s)).astype(str) + days)
    return out


def cell_frame(cells: pd.DataFrame, t=_same) -> pd.DataFrame:
    """Grid cells (hazard_cells rows) as the map draws them: area grows with the count, hover gives it."""
    n = cells["hazards"].astype("int64")
    return pd.DataFrame({
        "lon": cells["lon"].astype("float64").round(5),
        "lat": cells["lat"].astype("float64").round(5),
        "r": (3 + 1.6 * np.sqrt(n)).clip(upper=28).round(1),
        "w": n,
        "tip_title": cells["status"].map(lambda s: t(s)).astype(str),
        "tip_body": [f"{k:,} {t('处隐患')}" + (f"（{t('重大')} {m:,}）" if m else "")
                     for k, m in zip(n, cells["major"].astype("int64"))],
    })


def hazard_map(boundaries: dict | None, points: pd.DataFrame, view: str = "points", *, cells: bool = False,
               bounds=None, height: int = 700, t=_same) -> pdk.Deck:
    """Town boundaries (already coloured by `choropleth`) under the hazards: points by status or hexagons.

    `points` is one row per hazard, or with cells=True one row per grid cell and status (data.map_hazards
    switches above MAP_POINTS hazards): a cell is drawn as one circle whose area follows its count.
    """
    layers = []
    if boundaries:
        layers.append(pdk.Layer(
            "GeoJsonLayer", data=boundaries, id="towns", pickable=True, stroked=True, filled=True,
            get_fill_color="properties.fill", get_line_color="properties.line", line_width_min_pixels=1.5,
            auto_highlight=True, highlight_color=[255, 255, 255, 70]))
    if view == "hexagon" and len(points):
        frame = (cell_frame(points)[["lon", "lat", "w"]] if cells
                 else point_frame(points, False)[["lon", "lat"]].assign(w=1))
        layers.append(pdk.Layer(
            "HexagonLayer", data=frame, id="hexagons", get_position=["lon", "lat"], get_color_weight="w",
            color_aggregation=pdk.types.String("SUM"), radius=500, coverage=0.9, extruded=False, opacity=0.75,
            color_range=[[255, 237, 160], [254, 217, 118], [254, 178, 76], [253, 141, 60], [240, 59, 32],
                         [189, 0, 38]], pickable=False))
    elif len(points):
        for status in reversed(list(STATUS_COLOURS)):  # 逾期 drawn last, on top
            part = points[points["status"] == status]
            if part.empty:
                continue
            layers.append(pdk.Layer(
                "ScatterplotLayer", data=cell_frame(part, t) if cells else point_frame(part, True, t),
                id=f"points-{status}",
                # a plain string here would be read as an expression: pdk.types.String keeps it a string
                get_position=["lon", "lat"], get_radius="r", radius_units=pdk.types.String("pixels"),
                get_fill_color=[*STATUS_COLOURS[status], 200 if cells else 230], stroked=True,
                get_line_color=[255, 255, 255, 200], line_width_min_pixels=0.6, pickable=True))
    if bounds is None and boundaries:
        bounds = _bounds(boundaries["features"])
    if bounds is None and len(points):
        bounds = (points["lon"].min(), points["lat"].min(), points["lon"].max(), points["lat"].max())
    return pdk.Deck(layers=layers, initial_view_state=view_for(bounds or (120, 29, 122, 31), height=height - 20),
                    map_style=blank_style(), map_provider=None, tooltip=TOOLTIP)


def feature_bounds(boundaries: dict | None, town_code: str):
    """The lon/lat box of one town's boundary, or None."""
    if not boundaries:
        return None
    fs = [f for f in boundaries.get("features", []) if str((f.get("properties") or {}).get("town_code")) == town_code]
    return _bounds(fs) if fs else None
