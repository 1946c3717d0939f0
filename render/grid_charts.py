"""Figures for the 网格 page: stars per town (stacked bars), a worker's stars month by month (no Streamlit here)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from render.charts import _layout, _same

# one to five stars, red to green: a leader reads the share of weak grids at a glance
STAR_COLOURS = {1: "#c62828", 2: "#ef6c00", 3: "#f9a825", 4: "#7cb342", 5: "#2e7d32"}


def stars_text(n) -> str:
    """3 → '★★★☆☆'; empty → '—'."""
    if n is None or str(n) in ("<NA>", "nan"):
        return "—"
    return "★" * int(n) + "☆" * (5 - int(n))


def star_change_text(v) -> str:
    """升降星 as shown: ▲2 rose two stars, ▼1 fell one, — unchanged or not known."""
    if v is None or str(v) in ("<NA>", "nan") or int(v) == 0:
        return "—"
    return f"▲{int(v)}" if v > 0 else f"▼{-int(v)}"


def star_distribution(towns: pd.DataFrame, t=_same) -> go.Figure:
    """Per town (rows), how many grids hold one to five stars: stacked horizontal bars, towns in list order."""
    fig = go.Figure()
    for s in range(1, 6):
        fig.add_bar(y=towns["town_name"], x=towns[f"stars_{s}"], orientation="h", name=t(f"{s}星"),
                    marker_color=STAR_COLOURS[s], hovertemplate="%{y}<br>%{x:,}<extra>" + t(f"{s}星") + "</extra>")
    height = max(360, 34 * len(towns) + 120)
    return _layout(fig, height, barmode="stack", yaxis=dict(autorange="reversed"),
                   xaxis=dict(title=t("网格数")), margin=dict(l=170, r=30, t=60, b=60))


def star_history(history: pd.DataFrame, t=_same) -> go.Figure:
    """A grid's stars per month, oldest first (1–5 on the axis)."""
    fig = go.Figure()
    fig.add_scatter(x=history["label"], y=history["stars"], mode="lines+markers+text", text=history["stars"],
                    textposition="top center", line=dict(color="#1565c0", width=3), marker=dict(size=12),
                    name=t("星级"), hovertemplate="%{x}<br>" + t("{n}星").format(n="%{y}") + "<extra></extra>")
    # months as they are labelled (2026年10月, or 2026-10 in English, which plotly would otherwise read as dates)
    return _layout(fig, 380, xaxis=dict(type="category"), yaxis=dict(range=[0.5, 5.7], dtick=1, title=t("星级")),
                   showlegend=False)


def shown(grids: pd.DataFrame, town_names: dict) -> pd.DataFrame:
    """Grid rows with the text a table shows: town name, stars as ★, 升降星 as ▲/▼."""
    return grids.assign(
        town_name=grids["town_code"].map(town_names),
        stars_text=grids["stars"].map(stars_text),
        previous_text=grids["previous_stars"].map(stars_text),
        star_change_text=grids["star_change"].map(star_change_text),
    )
