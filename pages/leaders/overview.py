"""总览 Overview: headline KPIs against the previous period, the last 12 periods, best and worst towns,
outcome indicators year on year."""

import streamlit as st

from render import charts
from render.format import count, delta, number, rate, signed_rate
from ui import data, shell
from ui.i18n import p, t

period = shell.page("总览")

st.caption(p(t("与上一统计期比较") + f"（{shell.label(period.previous())}）"))
kpis = data.kpis(period)
for row in (kpis.iloc[:5], kpis.iloc[5:]):
    for col, k in zip(st.columns(5), row.itertuples()):
        shown = rate(k.value) if k.kind == "rate" else count(k.value)
        colour = "off" if not isinstance(k.better, str) else ("inverse" if k.better == "lower" else "normal")
        col.metric(t(k.label), shown, delta(k.change, k.kind, t("个百分点")), delta_color=colour)

st.subheader(t("近12期走势"))
shell.chart(charts.kpi_trend(data.ledger_trend(period), t), key="trend")

towns, _, _ = data.league(period)
shell.podium(towns, "前三名", "后三名")

st.subheader(t("结果指标（同比）"))
outcomes = data.outcomes(period)
if outcomes.empty:
    st.info(t("暂无结果指标数据"))
else:
    cols = st.columns(min(len(outcomes), 4))
    for i, o in enumerate(outcomes.itertuples()):
        # percentages arrive as fractions (0.9612); counts as totals over the period
        pct = o.unit == "%"
        shown = rate(o.value) if pct else number(o.value, 0)
        change = delta(o.change, "rate" if pct else "count", t("个百分点"))
        if change and not pct:
            change += p(f"（{signed_rate(o.change_rate)}）")
        cols[i % len(cols)].metric(p(f"{t(o.name)}（{t(o.unit)}）"), shown, change,
                                   delta_color="inverse" if o.direction == "lower" else "normal")
    st.caption(p(t("与上年同期比较") + f"（{shell.label(period.year_earlier())}）"))
