"""总览 Overview: headline KPIs against the previous period seen at the same age (like for like), the last 12
periods each at the same age, best and worst towns, outcome indicators year on year."""

import streamlit as st

from render import charts
from render.format import count, delta, number, rate, signed_rate
from ui import data, shell
from ui.i18n import p, t

period = shell.page("总览")

st.caption(p(data.comparison_note(period) + t("（变化均与之比较，避免把上期多出的整改时间当作本期下滑）")))
kpis = data.kpis(period)
for row in (kpis.iloc[:5], kpis.iloc[5:]):
    for col, k in zip(st.columns(5), row.itertuples()):
        shown = rate(k.value) if k.kind == "rate" else count(k.value)
        colour = "off" if not isinstance(k.better, str) else ("inverse" if k.better == "lower" else "normal")
        col.metric(t(k.label), shown, delta(k.change, k.kind, t("个百分点")), delta_color=colour)

st.subheader(t("近12期走势"))
st.caption(t("各期同口径：每期的数据都截至该期期末加上本期截至日与本期期末之差，与本期数据时长相同。"))
shell.chart(charts.kpi_trend(data.ledger_trend(period), t), key="trend")

size = data.board_size()
shell.podium(period, t("前 {n} 名").format(n=size), t("后 {n} 名").format(n=size))

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
