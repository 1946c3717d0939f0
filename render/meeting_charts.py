"""The meeting-room screen and the meeting pack: league DataFrames in, plotly Figures / pydeck Decks out.

Dark, high-contrast and large: these are read from the back of a meeting room.
No Streamlit here; pages/screen/meeting.py lays them out and render/report.py prints them.
Text on a figure comes through `t` (the viewer's language; Chinese, the keys, when not given: the pack is printed in
Chinese).
"""

from __future__ import annotations

import base64
import html
import json
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from board import vocab
from render.format import colour as fmt_colour
from board.store import State

TIER_COLOURS = {"green": "#22c55e", "yellow": "#facc15", "red": "#ef4444"}
TIER_RGB = {"green": [34, 197, 94], "yellow": [250, 204, 21], "red": [239, 68, 68]}
NO_TIER_RGB = [100, 116, 139]
TIER_NAMES = vocab.TIERS
BACKGROUND = "#0b1220"
INK = "#f8fafc"
MUTED = "#cbd5e1"
FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"

SLIDES = ("overview", "league", "map", "progress", "red")

# A MapLibre style with no sources: nothing is fetched, the boundaries are the map (DESIGN §5).
BLANK_STYLE = "data:application/json;base64," + base64.b64encode(json.dumps({
    "version": 8, "name": "blank", "sources": {},
    "layers": [{"id": "background", "type": "background", "paint": {"background-color": BACKGROUND}}],
}).encode()).decode()


def _same(text: str) -> str:
    return text


# -- the slide sequence -------------------------------------------------------------


def sequence(names: list[str], towns: pd.DataFrame) -> list[tuple[str, str | None]]:
    """The slides in order: (kind, town_code); "red" expands to one slide per red-tier town, worst last."""
    out: list[tuple[str, str | None]] = []
    for name in names:
        if name == "red":
            reds = towns[towns["tier"] == "red"].sort_values("rank")
            out.extend(("red", code) for code in reds["town_code"])
        elif name in SLIDES:
            out.append((name, None))
    return out or [("overview", None)]


def city_sequence(names: list[str]) -> list[tuple[str, None]]:
    """A city's slides in order: one of each kind asked for; "red" is one slide, 红黑榜 of the districts with
    each district's red towns (a city's red towns are too many for one slide each)."""
    return [(name, None) for name in names if name in SLIDES] or [("overview", None)]


def change_text(v, t=_same) -> str:
    """Rank change as the screen says it: ▲3 up, ▼2 down, 持平, — when there was no earlier rank."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "—"
    v = int(v)
    return f"▲{v}" if v > 0 else f"▼{-v}" if v < 0 else t("持平")


def score_text(v) -> str:
    return "—" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else f"{float(v):.2f}"


def rank_text(v) -> str:
    return "—" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(int(v))


# -- plotly ----------------------------------------------------------------------------


def _layout(fig: go.Figure, height: int, scale: float, paper: str | None = None) -> go.Figure:
    fig.update_layout(
        template="plotly_dark", height=int(height * scale),
        paper_bgcolor=paper or "rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        font=dict(family=FONT, size=int(22 * scale), color=INK),
        margin=dict(l=10, r=30, t=20, b=40), showlegend=False,
        # plotly shrinks bar labels to the bar's thickness; on a meeting screen they must stay large
        uniformtext=dict(minsize=int(18 * scale), mode="show"),
    )
    return fig


def league_bars(towns: pd.DataFrame, height: int = 860, scale: float = 1.0, paper: str | None = None,
                t=_same) -> go.Figure:
    """Every town's index as a bar in rank order (1 on top), coloured by tier, rank change at the end."""
    df = towns.sort_values(["rank", "town_code"], na_position="last")
    labels = [f"{rank_text(r)}  {n}" for r, n in zip(df["rank"], df["town_name"])]
    texts = [f"{score_text(s)}   {change_text(c, t)}" for s, c in zip(df["score"], df["rank_change"])]
    fig = go.Figure(go.Bar(
        x=df["score"].astype("float64").fillna(0), y=labels, orientation="h",
        marker_color=[TIER_COLOURS.get(tier, "#64748b") for tier in df["tier"]],
        text=texts, textposition="outside", cliponaxis=False,
        textfont=dict(size=int(20 * scale), color=INK), hoverinfo="skip",
    ))
    _layout(fig, height, scale, paper)
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=int(20 * scale), color=INK))
    fig.update_xaxes(range=[0, 118], showgrid=False, showticklabels=False, zeroline=False)
    fig.update_layout(bargap=0.22)
    return fig


def progress_bars(towns: pd.DataFrame, district_rate, height: int = 860, scale: float = 1.0,
                  paper: str | None = None, t=_same, line_label: str | None = None) -> go.Figure:
    """Rectification (bar) and closure rate (diamond) per town in %, the district's rectification rate as a line
    (labelled `line_label`, 全区整改率 when not given: a city's districts are drawn as towns, under 全市整改率)."""
    df = towns.sort_values(["rectification_rate", "town_code"], ascending=[False, True], na_position="last")
    rect = df["rectification_rate"].astype("float64") * 100
    close = df["closure_rate"].astype("float64") * 100
    fig = go.Figure()
    fig.add_bar(x=rect, y=df["town_name"], orientation="h", name=t("整改率"),
                marker_color=[TIER_COLOURS.get(tier, "#64748b") for tier in df["tier"]],
                text=[("—" if pd.isna(v) else f"{v:.2f}%") for v in rect], textposition="outside", cliponaxis=False,
                textfont=dict(size=int(19 * scale), color=INK), hoverinfo="skip")
    fig.add_scatter(x=close, y=df["town_name"], mode="markers", name=t("销号率"), hoverinfo="skip",
                    marker=dict(symbol="diamond", size=int(16 * scale), color=INK,
                                line=dict(width=2, color="#0b1220")))
    _layout(fig, height, scale, paper)
    if district_rate is not None and not pd.isna(district_rate):
        fig.add_vline(x=float(district_rate) * 100, line=dict(color="#38bdf8", width=3, dash="dash"),
                      annotation_text=f"{line_label or t('全区整改率')} {float(district_rate) * 100:.2f}%",
                      annotation_position="top left", annotation_font=dict(size=int(20 * scale), color="#38bdf8"))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=int(20 * scale), color=INK))
    fig.update_xaxes(range=[0, 112], tickvals=[0, 20, 40, 60, 80, 100], ticktext=[f"{v}%" for v in range(0, 101, 20)], gridcolor="#334155",
                     tickfont=dict(size=int(18 * scale), color=MUTED))
    fig.update_layout(showlegend=True, legend=dict(orientation="h", x=1, xanchor="right", y=1.04,
                                                   font=dict(size=int(20 * scale))),
                      margin=dict(l=10, r=30, t=50, b=40), bargap=0.25)
    return fig


def shortfall_bars(components: pd.DataFrame, top: int | None = None, height: int = 520, scale: float = 1.0,
                   paper: str | None = None, t=_same) -> go.Figure:
    """One town's index points lost per component (what pulled it down), largest first."""
    df = components[components["shortfall"].fillna(0) > 1e-9].sort_values("shortfall", ascending=False)
    df = df.head(top) if top else df
    fig = go.Figure(go.Bar(
        x=df["shortfall"], y=df["name"].map(t), orientation="h", marker_color="#f97316",
        text=[f"−{v:.2f} {t('分')}" for v in df["shortfall"]], textposition="outside", cliponaxis=False,
        textfont=dict(size=int(20 * scale), color=INK), hoverinfo="skip",
    ))
    _layout(fig, height, scale, paper)
    top = float(df["shortfall"].max()) if len(df) else 1.0
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=int(20 * scale), color=INK))
    fig.update_xaxes(range=[0, top * 1.3], showgrid=False, showticklabels=False, zeroline=False)
    return fig


def behind_median_bars(behind: pd.DataFrame, height: int = 520, scale: float = 1.0,
                       paper: str | None = None, t=_same) -> go.Figure:
    """The index points a town is behind the median town, per component (figures.behind_median: the
    figures the league's 得分分析 shows), most first."""
    lost = -behind["versus_median"].astype("float64")
    fig = go.Figure(go.Bar(
        x=lost, y=behind["name"].map(t), orientation="h", marker_color="#f97316",
        text=[f"−{v:.2f} {t('分')}" for v in lost], textposition="outside", cliponaxis=False,
        textfont=dict(size=int(20 * scale), color=INK), hoverinfo="skip",
    ))
    _layout(fig, height, scale, paper)
    most = float(lost.max()) if len(behind) else 1.0
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=int(20 * scale), color=INK))
    fig.update_xaxes(range=[0, most * 1.3], showgrid=False, showticklabels=False, zeroline=False)
    return fig


# -- the map ---------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _read_geojson(path: str) -> str:
    # a boundaries file is never rewritten (a new version gets a new path), so its text can be cached
    return Path(path).read_text("utf-8")


def boundaries(state: State) -> dict | None:
    """The town boundaries GeoJSON in force for this store state, if the office has uploaded one."""
    if not state.boundaries:
        return None
    path = Path(state.root) / state.boundaries
    return json.loads(_read_geojson(str(path))) if path.exists() else None


def _rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [p[0] for p in geometry["coordinates"]]
    return []


def _label_point(geometry: dict) -> tuple[float, float] | None:
    """A point inside the town's largest polygon for its label."""
    from shapely.geometry import shape

    try:
        g = shape(geometry)
        if g.geom_type == "MultiPolygon":
            g = max(g.geoms, key=lambda p: p.area)
        p = g.representative_point()
        return p.x, p.y
    except Exception:  # a malformed feature loses its label, not the map
        return None


def _fit(lons: list[float], lats: list[float], height: int, aspect: float) -> pdk.ViewState:
    """The view that fits these points into an element `height` high and `aspect` times as wide, with a margin."""
    if not lons:
        return pdk.ViewState(longitude=120.2, latitude=29.2, zoom=8)
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    mid = (lat0 + lat1) / 2
    zoom_w = math.log2(360 * aspect * height / (512 * max(lon1 - lon0, 1e-3)))
    zoom_h = math.log2(360 * height * math.cos(math.radians(mid)) / (512 * max(lat1 - lat0, 1e-3)))
    return pdk.ViewState(longitude=(lon0 + lon1) / 2, latitude=mid, zoom=min(zoom_w, zoom_h) - 0.25)


def tier_map(geojson: dict, towns: pd.DataFrame, height: int = 860, scale: float = 1.0,
             aspect: float = 1.9, numbers_only: bool = False, t=_same) -> pdk.Deck:
    """Town boundaries filled by tier, each labelled with its rank (and name); no basemap, no tiles.

    aspect is the element's width / height, used to fit the district into view; with numbers_only
    the label is the rank alone, for small central towns whose names would overprint.
    """
    by_code = towns.set_index("town_code")
    by_name = towns.set_index("town_name")
    features, labels, lons, lats = [], [], [], []
    for f in geojson.get("features", []):
        props = f.get("properties") or {}
        code, name = props.get("town_code"), props.get("town_name")
        # by name only when the feature has no code: two districts' 城关镇 share a name, never a code
        row = (by_code.loc[code] if code in by_code.index else None) if code else \
            (by_name.loc[name] if name in by_name.index else None)
        if isinstance(row, pd.DataFrame):  # a name several towns share names none of them
            row = None
        tier = None if row is None else row["tier"]
        town_name = str(name if row is None else row["town_name"])
        rank = None if row is None else row["rank"]
        # tooltips render HTML: every value from data is escaped here
        features.append({"type": "Feature", "geometry": f["geometry"], "properties": {
            "name": html.escape(town_name), "rank": html.escape(rank_text(rank)),
            "score": html.escape(score_text(None if row is None else row["score"])),
            "tier": html.escape(t(TIER_NAMES.get(tier, "—"))),
            "fill": TIER_RGB.get(tier, NO_TIER_RGB) + [215]}})
        for ring in _rings(f["geometry"]):
            lons.extend(p[0] for p in ring)
            lats.extend(p[1] for p in ring)
        at = _label_point(f["geometry"])
        if at:
            labels.append({"lon": at[0], "lat": at[1], "text": rank_text(rank) if numbers_only else
                           f"{town_name} {rank_text(rank)}"})
    view = _fit(lons, lats, height, aspect)
    base = pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id="towns",
                     filled=True, stroked=True, pickable=True, get_fill_color="properties.fill",
                     get_line_color=[11, 18, 32], line_width_min_pixels=2)
    names = pdk.Layer("TextLayer", pd.DataFrame(labels, columns=["lon", "lat", "text"]), id="names",
                      get_position=["lon", "lat"], get_text="text", get_size=int(24 * scale),
                      get_color=[11, 18, 32], font_family=pdk.types.String(FONT),
                      # deck.gl draws a glyph atlas of these characters only (ASCII by default);
                      # String keeps pydeck from reading the text as an accessor expression
                      character_set=pdk.types.String("".join(sorted({c for lab in labels for c in lab["text"]}))),
                      font_weight=700, outline_width=0, billboard=False)
    return pdk.Deck(layers=[base, names], initial_view_state=view, map_style=BLANK_STYLE,
                    map_provider=None, tooltip={"html": "<b>{name}</b> " + t("第{rank}名 · 指数 {score} · {tier}")})


def tier_map_figure(geojson: dict, towns: pd.DataFrame, height: int = 760, scale: float = 1.0,
                    paper: str | None = None) -> go.Figure:
    """The tier map as a plain plotly figure (filled polygons on lon/lat axes) for static images.

    No geo subplot: plotly's geo layers would fetch topojson, and a printed page needs no basemap.
    """
    by_code = towns.set_index("town_code")
    by_name = towns.set_index("town_name")
    fig = go.Figure()
    label_x, label_y, label_t = [], [], []
    for f in geojson.get("features", []):
        props = f.get("properties") or {}
        code, name = props.get("town_code"), props.get("town_name")
        # by name only when the feature has no code: two districts' 城关镇 share a name, never a code
        row = (by_code.loc[code] if code in by_code.index else None) if code else \
            (by_name.loc[name] if name in by_name.index else None)
        if isinstance(row, pd.DataFrame):  # a name several towns share names none of them
            row = None
        tier = None if row is None else row["tier"]
        for ring in _rings(f["geometry"]):
            fig.add_scatter(x=[p[0] for p in ring], y=[p[1] for p in ring], mode="lines", fill="toself",
                            fillcolor=TIER_COLOURS.get(tier, "#64748b"), line=dict(color=BACKGROUND, width=2),
                            hoverinfo="skip")
        at = _label_point(f["geometry"])
        if at:
            label_x.append(at[0])
            label_y.append(at[1])
            label_t.append(rank_text(None if row is None else row["rank"]))
    fig.add_scatter(x=label_x, y=label_y, text=label_t, mode="text", hoverinfo="skip",
                    textfont=dict(size=int(22 * scale), color=BACKGROUND, family=FONT))
    _layout(fig, height, scale, paper)
    fig.update_xaxes(visible=False)
    # equal distances on both axes at this latitude
    mid = sum(label_y) / len(label_y) if label_y else 30.0
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(mid)))
    return fig


def district_map(coloured: dict, towns: pd.DataFrame, districts: pd.DataFrame, height: int = 860,
                 scale: float = 1.0, aspect: float = 1.25, t=_same) -> pdk.Deck:
    """A city's towns filled with their district's colour (city_charts.towns_by_district: properties fill,
    town_code, town_name), each district labelled once with its rank and name; no basemap, no tiles.

    towns: town_code, district_code; districts: district_code, district_name, rank (the city league)."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    of_town = dict(zip(towns["town_code"], towns["district_code"]))
    features, shapes, lons, lats = [], {}, [], []
    for f in coloured.get("features", []):
        props = f.get("properties") or {}
        district = of_town.get(props.get("town_code"))
        features.append({"type": "Feature", "geometry": f["geometry"], "properties": {
            # tooltips render HTML: every value from data is escaped here
            "name": html.escape(str(props.get("town_name", ""))), "tip": html.escape(str(props.get("tip_body", ""))),
            "fill": props.get("fill") or NO_TIER_RGB + [215]}})
        for ring in _rings(f["geometry"]):
            lons.extend(p[0] for p in ring)
            lats.extend(p[1] for p in ring)
        if isinstance(district, str):
            try:
                shapes.setdefault(district, []).append(shape(f["geometry"]))
            except Exception:  # a malformed feature is left out of its district's label, not the map
                pass
    labels = []
    for r in districts.itertuples():
        if r.district_code not in shapes:
            continue
        try:
            at = unary_union(shapes[r.district_code]).representative_point()
        except Exception:
            continue
        labels.append({"lon": at.x, "lat": at.y, "text": f"{rank_text(r.rank)} {r.district_name}"})
    base = pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id="towns",
                     filled=True, stroked=True, pickable=True, get_fill_color="properties.fill",
                     get_line_color=[11, 18, 32], line_width_min_pixels=1)
    names = pdk.Layer("TextLayer", pd.DataFrame(labels, columns=["lon", "lat", "text"]), id="names",
                      get_position=["lon", "lat"], get_text="text", get_size=int(30 * scale),
                      get_color=[11, 18, 32], font_family=pdk.types.String(FONT),
                      character_set=pdk.types.String("".join(sorted({c for lab in labels for c in lab["text"]}))),
                      # a label may reach past its district's edge onto the dark background: a light plate keeps
                      # it whole
                      background=True, get_background_color=[248, 250, 252, 235], background_padding=[8, 4],
                      font_weight=800, outline_width=0, billboard=False)
    return pdk.Deck(layers=[base, names], initial_view_state=_fit(lons, lats, height, aspect),
                    map_style=BLANK_STYLE, map_provider=None, tooltip={"html": "<b>{name}</b> {tip}"})


def district_legend_html(entries: list[tuple[str, str]]) -> str:
    """One line per district, a swatch of its colour before its text; the text (from data) is escaped, the
    colours are ours."""
    return "".join(
        f'<div style="display:flex;align-items:center;margin:0.35rem 0;color:{INK}">'
        f'<span style="width:1.6rem;height:1.6rem;border-radius:0.3rem;background:{fmt_colour(colour)};'
        f'display:inline-block;'
        f'margin-right:0.8rem;flex:none"></span><span style="white-space:pre">{html.escape(text)}</span></div>'
        for text, colour in entries)
