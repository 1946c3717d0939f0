"""Figures of the city board (issue 15): the districts' league in the style of the towns' league table, their
index bars and "why", and a map of the city's towns coloured by district. DataFrame in, figure out.

The districts' rows (board.city.league) carry district_code and district_name where the towns' carry
town_code and town_name; the towns' drawings are reused with the columns renamed and their few words about
towns said about districts (`_of_districts`), so that the two leagues look alike on the wall screen.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from render import charts
from render.charts import _same

# Pale fills (ColorBrewer Pastel1/Pastel2) that stay apart from each other on a projector and leave the
# hazards' saturated status colours (red, amber, blue, green) standing out on top of them
DISTRICT_COLOURS = ("#b3cde3", "#decbe4", "#fed9a6", "#ccebc5", "#fbb4ae", "#e5d8bd", "#b3e2cd", "#fddaec",
                    "#f1e2cc", "#cbd5e8")
UNASSIGNED_COLOUR = "#dcdcdc"
# what the towns' drawings say about towns, said about districts
DISTRICT_WORDS = {"镇街": "区县", "相对全区中位数的得分（指数点）": "相对全市中位数区县的得分（指数点）"}


def _of_districts(t):
    return lambda text: t(DISTRICT_WORDS.get(text, text))


def as_towns(districts: pd.DataFrame) -> pd.DataFrame:
    """Districts' rows under the towns' column names, for the drawings and boards made for towns."""
    return districts.rename(columns={"district_code": "town_code", "district_name": "town_name"})


def league_table(districts: pd.DataFrame, components: list[tuple[str, str, str]], t=_same,
                 fmt=None) -> go.Figure:
    """The districts' league as charts.league_table draws the towns': rank, ▲▼ change, district, index, tier
    (三色), then the component columns (code, label, kind)."""
    return charts.league_table(as_towns(districts), components, _of_districts(t), fmt)


def league_html(districts: pd.DataFrame, components: list[tuple[str, str, str]], t=_same, fmt=None) -> str:
    """league_table as HTML (charts.league_html): the first page's table, shown without loading plotly."""
    return charts.league_html(as_towns(districts), components, _of_districts(t), fmt)


def index_bars(districts: pd.DataFrame, t=_same) -> go.Figure:
    """平安指数 per district, best at the top, coloured by tier."""
    return charts.index_bars(as_towns(districts), _of_districts(t))


def why_bars(why: pd.DataFrame, t=_same) -> go.Figure:
    """Index points each component adds against a district scoring the city's median district."""
    return charts.why_bars(why, _of_districts(t))


def district_colours(codes: list[str]) -> dict[str, str]:
    """One colour per district, in the order listed (the same district keeps its colour on every page)."""
    return {c: DISTRICT_COLOURS[i % len(DISTRICT_COLOURS)] for i, c in enumerate(codes)}


def towns_by_district(boundaries: dict, towns: pd.DataFrame, colours: dict[str, str],
                      t=_same) -> tuple[dict, list[tuple[str, str]]]:
    """Town boundaries filled with their district's colour, each town's hover naming its district; plus the
    legend (district name, colour), in the order of `colours`.

    towns: town_code, district_code, district_name (a town without a district is grey, 未分区县)."""
    by_town = towns.set_index("town_code")
    features = []
    for f in boundaries.get("features", []):
        p = f.get("properties") or {}
        code = str(p.get("town_code", ""))
        name = str(p.get("town_name", code))
        district = by_town["district_code"].get(code)
        district_name = by_town["district_name"].get(code)
        colour = colours.get(district, UNASSIGNED_COLOUR) if isinstance(district, str) else UNASSIGNED_COLOUR
        features.append({"type": "Feature", "geometry": f.get("geometry"), "properties": {
            "town_code": code, "town_name": name, "fill": [*charts._hex(colour), 230], "line": [255, 255, 255, 255],
            "tip_title": name,
            "tip_body": f"{t('所属区县')}{'：' if charts._chinese(t) else ': '}"
                        f"{district_name if isinstance(district_name, str) else t('未分区县')}",
        }})
    names = towns.dropna(subset=["district_code"]).drop_duplicates("district_code").set_index("district_code")
    legend = [(str(names.at[c, "district_name"]), colour) for c, colour in colours.items() if c in names.index]
    if towns["district_code"].isna().any():
        legend.append((t("未分区县"), UNASSIGNED_COLOUR))
    return {"type": "FeatureCollection", "features": features}, legend
