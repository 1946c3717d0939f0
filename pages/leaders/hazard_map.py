"""隐患地图 Hazard map: town boundaries coloured by a chosen metric, the period's hazards as points by
status (sized by severity) or as hexagons, with filters and a legend. A city's whole board colours each town
by its district, or by its district's figure, under the hazards of the whole city."""

import streamlit as st

from board import maps
from render import charts, city_charts
from render.format import count, number, rate
from ui import data, shell
from ui.i18n import p, t

period = shell.page("隐患地图")

METRICS = {  # metric → (label, kind, which direction is better)
    "tier": ("三色", "tier", "higher"),
    "score": ("平安指数", "number", "higher"),
    "rectification_rate": ("整改率", "rate", "higher"),
    "closure_rate": ("销号率", "rate", "higher"),
    "on_time_rate": ("按期整改率", "rate", "higher"),
    "overdue": ("逾期隐患", "count", "lower"),
    "overdue_per_10k": ("每万人逾期隐患", "number", "lower"),
    "backlog_overdue": ("累计逾期", "count", "lower"),
    "found": ("发现隐患", "count", "lower"),
}
FORMAT = {"rate": rate, "count": count, "number": number,
          "tier": lambda v: t(charts.TIER_NAMES.get(v, "—")) if isinstance(v, str) else "—"}

city = data.is_city()
if city:
    # the city's towns are painted by their district, or with their district's figure: a town's own index
    # would rank it across the whole city, which no district's board does
    METRICS = {"district": ("所属区县", "district", None), **METRICS}
tally = data.hazard_tally(period)
with st.container(horizontal=True):
    metric = st.selectbox(t("区县着色指标") if city else t("镇街着色指标"), list(METRICS),
                          format_func=lambda m: t(METRICS[m][0]), key="city_map_metric" if city else "map_metric")
    view = st.radio(t("隐患显示"), ["points", "hexagon"], horizontal=True, key="map_view",
                    format_func=lambda v: t("点位（按状态）") if v == "points" else t("六边形聚合"))
with st.container(horizontal=True):
    status = st.multiselect(t("状态"), list(charts.STATUS_COLOURS), format_func=t, key="map_status",
                            placeholder=t("全部"))
    severity = st.multiselect(t("等级"), ["一般", "较大", "重大"], format_func=t, key="map_severity",
                              placeholder=t("全部"))
    category = st.multiselect(t("类别"), sorted(tally["category"].dropna().unique()), format_func=t,
                              key="map_category", placeholder=t("全部"))
    source = st.multiselect(t("来源"), sorted(tally["source"].dropna().unique()), format_func=t,
                            key="map_source", placeholder=t("全部"))
chosen = dict(status=status, severity=severity, category=category, source=source)
drawn_as, drawn = data.map_hazards(period, **chosen)

label, kind, better = METRICS[metric]
boundaries = data.boundaries()
if city and metric == "district":
    towns = data.town_districts(period)
    colours = city_charts.district_colours([c for c, _ in data.districts()])
    coloured, legend = (city_charts.towns_by_district(boundaries, towns, colours, t)
                        if boundaries else (None, []))
else:
    if city:  # each town painted with its district's figure
        values = data.district_values(period, metric)
        text = {c: p(f"{FORMAT[kind](v)}（{d if isinstance(d, str) else t('未分区县')}）")
                for c, v, d in zip(values["town_code"], values["value"], values["district_name"])}
    else:
        towns, _, _ = data.league(period)
        values = towns[["town_code", metric]].rename(columns={metric: "value"})
        text = {c: FORMAT[kind](v) for c, v in zip(values["town_code"], values["value"])}
    coloured, legend = (charts.choropleth(boundaries, values[["town_code", "value"]], metric, better, t(label), text,
                                          t=t) if boundaries else (None, []))

deck = charts.hazard_map(coloured, drawn, view, cells=drawn_as == "cells", height=640, t=t)
selected = st.pydeck_chart(deck, height=640, key="hazard_map",
                           on_select="rerun", selection_mode="single-object")
st.html(charts.legend_html(charts.status_legend(t) if view == "points" else []))
if legend:
    st.html(charts.legend_html([(p(f"{t(label)}："), "#ffffff")] + legend))
st.caption(t("点的大小表示隐患等级（一般、较大、重大）；悬停查看详情，点击镇街进入镇街详情。"))
if city:
    st.caption(t("全市地图：镇街按所属区县着色，或按所属区县的指标着色；点击镇街进入该区县看板的镇街详情。"))
if boundaries is None:
    st.warning(t("尚未上传镇街边界，地图只显示隐患点位。"))
if drawn_as == "cells":
    st.caption(t("隐患超过 {n} 个，按约 500 米网格合并显示：圆越大隐患越多，悬停看数量；用筛选缩小范围可看到每个点位。")
               .format(n=f"{maps.MAP_POINTS:,}"))

shown = data.status_counts(data.filter_points(tally, **chosen))
cols = st.columns(6)
cols[0].metric(t("地图上的隐患"), count(shown["total"]))
cols[1].metric(t("本期发现（有坐标）"), count(data.status_counts(tally)["total"]))
for col, s in zip(cols[2:], charts.STATUS_COLOURS):
    col.metric(t(s), count(shown[s]))

picked = (selected or {}).get("selection", {}).get("objects", {}).get("towns") if selected else None
if picked:
    shell.open_town(picked[0]["properties"]["town_code"])
