"""网格 The grid level: the district's grid events, stars per town, the grids that rose and fell (升降星), a grid
league inside a town and a worker's stars over twelve months, with the star rule on screen. Reached from the
navigation and from 镇街详情 (?town=code)."""

import streamlit as st

from render import grid_charts
from render.format import count, md, number, rate, table
from ui import data, shell
from ui.i18n import p, t

period = shell.page("网格")
view = data.grid_view(period)
if view is None:
    st.info(t("暂无网格事件数据：请先上传网格名单和网格事件"))
    st.stop()

month, previous = view["month"], view["previous"]
st.caption(p(f"{t('网格事件截至')} {view['as_of']:%Y-%m-%d} · {t('星级按')} {shell.label(month)} · "
             f"{t('升降星对比')} {shell.label(previous)}"
             + t("（截至 {date}，同样天龄）").format(date=f"{view['as_of_before']:%Y-%m-%d}")))
if period.kind != "month":
    st.caption(t("星级每月评定：所选统计期的指标按整个统计期计算，星级和升降星按该期最后一个月。"))

district, grids = view["district"], view["grids"]
cols = st.columns(6)
cols[0].metric(t("网格事件"), count(district["events"]))
cols[1].metric(t("有效事件采集率"), rate(district["valid_rate"]))
cols[2].metric(t("办结率"), rate(district["closure_rate"]))
cols[3].metric(t("按期办结率"), rate(district["on_time_rate"]))
cols[4].metric(t("超期未办结"), count(district["overdue"]))
cols[5].metric(t("网格数"), count(len(grids)))

st.header(t("各镇街网格星级分布"))
towns = data.towns()
distribution = data.grid_town_stars(view)
shell.chart(grid_charts.star_distribution(distribution, t), key="grid-star-distribution")
star_spec = [("town_name", "镇街", "text"), *[(f"stars_{s}", f"{s}星", "count") for s in range(5, 0, -1)],
             ("grids", "网格数", "count")]
st.dataframe(table(distribution, star_spec, t), hide_index=True, width="stretch", key="grid-star-table")

st.header(t("升降星"))
names = dict(zip(towns["town_code"], towns["town_name"]))
moved_spec = [("star_change_text", "升降星", "text"), ("town_name", "镇街", "text"), ("grid_name", "网格", "text"),
              ("worker", "网格员", "text"), ("previous_text", "上月星级", "text"), ("stars_text", "本月星级", "text"),
              ("events", "事件", "count"), ("closure_rate", "办结率", "rate"), ("on_time_rate", "按期办结率", "rate")]
fell, rose = data.grids_moved(view, fell_by=2), data.grids_moved(view, rose_by=2)
left, right = st.columns(2)
with left:
    st.subheader(p(f"{t('降两星及以上')}（{len(fell)}）"))
    st.dataframe(table(grid_charts.shown(fell, names), moved_spec, t), hide_index=True, width="stretch",
                 key="grids-fell")
with right:
    st.subheader(p(f"{t('升两星及以上')}（{len(rose)}）"))
    st.dataframe(table(grid_charts.shown(rose, names), moved_spec, t), hide_index=True, width="stretch",
                 key="grids-rose")

st.header(t("镇街内网格排名"))
codes = list(towns["town_code"])
wanted = st.query_params.get("town") or st.session_state.get("town")
if st.session_state.get("grid_town") not in codes:
    st.session_state["grid_town"] = wanted if wanted in codes else codes[0]
town_code = st.selectbox(t("选择镇街"), codes, format_func=names.get, key="grid_town")
st.query_params["town"] = town_code
league = data.grid_league(view, town_code)
league_spec = [("rank", "排名", "count"), ("grid_name", "网格", "text"), ("worker", "网格员", "text"),
               ("stars_text", "星级", "text"), ("star_change_text", "升降星", "text"), ("score", "得分", "number"),
               ("events", "事件", "count"), ("valid_rate", "有效事件采集率", "rate"), ("closure_rate", "办结率", "rate"),
               ("on_time_rate", "按期办结率", "rate"), ("overdue", "超期未办结", "count"),
               ("events_per_1k_households", "每千户事件", "number"), ("grid_code", "网格编码", "text")]
league_table = table(grid_charts.shown(league, names), league_spec, t)
st.dataframe(league_table, hide_index=True, width="stretch", key="grid-league")
shell.downloads(league_table, f"网格排名_{names[town_code]}_{period.code}", "grid-league")

st.header(t("网格员近12个月星级"))
labels = {g: p(f"{w or '—'}（{n}）") for g, w, n in zip(league["grid_code"], league["worker"], league["grid_name"])}
grid_code = st.selectbox(t("选择网格员"), list(labels), format_func=labels.get, key="grid_worker")
history = data.grid_history(grid_code, month)
shell.chart(grid_charts.star_history(history, t), key="grid-star-history")
st.caption(t("每个月都按同样天龄计算（该月月末后与本月相同的天数）。"))

st.header(t("评星规则"))
st.markdown("\n".join(f"- {md(line)}" for line in data.grid_rule_lines()))
st.caption(t("规则保存在指标定义文件（grid_stars），分析员可以修改。"))
