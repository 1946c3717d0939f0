"""镇街排名 League table: rank, change, 平安指数, tier and components; 红黑榜; why a town scored as it
did; what-if weights that re-rank without saving; the departments' league."""

import streamlit as st

from render import charts
from render.format import count, md, number, rank_delta, rate, table
from ui import data, image, shell
from ui.i18n import p, t

period = shell.page("镇街排名")

towns, _, district = data.league(period)
definitions = data.definitions()
components = definitions["components"]
# each town's backlog from earlier periods beside its index: the period's own overdue leaves it out
shown = [("earlier_overdue", "前期积压", "count"), ("earlier_overdue_days_max", "积压最久天数", "count")]
shown += [(c["code"], c["name"], "rate" if c.get("unit") == "%" else "number")
          for c in components if c["source"] == "ledger" and c["code"] != "earlier_overdue_per_10k"]

st.plotly_chart(charts.league_table(towns, shown, t, {"rate": rate, "number": number, "count": count}),
                width="stretch", config=charts.PLOTLY_CONFIG, theme=None, key="league-table")
st.caption(p(data.comparison_note(period) + "；" + t("排名变化 = 上期同口径排名 − 本期排名（▲ 上升）") + "；"
             + t("三色：绿 ≥ {g} 分，黄 ≥ {y} 分，其余为红").format(**{
                 "g": definitions["tiers"]["green"], "y": definitions["tiers"]["yellow"]})))
st.caption(t("每万人逾期隐患只计本期发现的隐患；前期积压是本期以前发现、截至日仍逾期的隐患个数，积压最久天数是其中逾期最久的天数；"
             "前期积压可在指标设置中作为指数分项（默认权重 0，不计入指数）。"))
empty = data.no_data(period)
if len(empty):
    what = t("{period}没有隐患记录").format(period=shell.label(period))
    missing = [t("无{parts}").format(parts="、".join(t(m) for m in r.missing)) for r in empty.itertuples()]
    st.warning(p(t("无数据") + "：" + "；".join(
        f"{r.town_name}（{what}，{m}）" for r, m in zip(empty.itertuples(), missing))
        + "。" + t("这些镇街排在有数据的镇街之后，不评三色，不计排名变化。")))
spec = [("rank", "排名", "count"), ("rank_change", "变化", "change"), ("town_name", "镇街", "text"),
        ("group", "分组", "text"), ("group_rank", "组内排名", "count"), ("group_rank_change", "组内变化", "change"),
        ("score", "平安指数", "number"), ("tier", "三色", "tier"), ("found", "发现隐患", "count"),
        ("rectification_rate", "整改率", "rate"), ("closure_rate", "销号率", "rate"),
        ("on_time_rate", "按期整改率", "rate"), ("overdue", "逾期隐患", "count"),
        ("overdue_per_10k", "每万人逾期隐患", "number"), ("backlog_overdue", "累计逾期", "count"),
        ("earlier_overdue", "前期逾期积压", "count"), ("earlier_overdue_days_max", "积压最长逾期天数", "count"),
        ("recurrence_rate", "复发率", "rate"), ("aired_closure_rate", "晾晒问题销号率", "rate")]
shell.downloads(table(towns, spec, t), f"镇街排名_{period.code}", "league")
image.download_button(period, towns)

size = data.board_size()
st.header(t("红黑榜"))
shell.podium(period, t("红榜（前 {n} 名）").format(n=size), t("黑榜（后 {n} 名）").format(n=size))

st.header(t("分组排名"))
st.caption(t("按镇街类型分组（指标设置中可改），组内另排名次和红黑榜；组内变化与上期同口径的组内名次比较。"))
group_spec = [("group_rank", "组内排名", "count"), ("group_rank_change", "组内变化", "change"),
              ("town_name", "镇街", "text"), ("score", "平安指数", "number"), ("tier", "三色", "tier"),
              ("rank", "全区排名", "count"), ("earlier_overdue", "前期逾期积压", "count"),
              ("earlier_overdue_days_max", "积压最长逾期天数", "count")]
grouped = data.group_league(period)
for (group, members), tab in zip(grouped, st.tabs([p(f"{md(g)}（{len(m)}）") for g, m in grouped])):
    with tab:
        st.dataframe(table(members, group_spec, t), hide_index=True, width="stretch", placeholder="—",
                     key=f"group-{group}")
        shell.podium(period, t("红榜（前 {n} 名）").format(n=size), t("黑榜（后 {n} 名）").format(n=size),
                     group=group, key=f"podium-{group}")

st.header(t("平安指数"))
shell.chart(charts.index_bars(towns, t), key="index-bars")

st.header(t("得分分析"))
names = dict(zip(towns["town_code"], towns["town_name"]))
default = st.session_state.get("town")
codes = list(names)
pick = st.selectbox(t("选择镇街"), codes, index=codes.index(default) if default in codes else len(codes) - 1,
                    format_func=names.get, key="why_town")
row = towns[towns["town_code"] == pick].iloc[0]
a, b, c, d = st.columns(4)
a.metric(t("平安指数"), number(row["score"]))
b.metric(t("排名"), "—" if row["rank"] is None or str(row["rank"]) == "<NA>" else f"{int(row['rank'])} / {len(towns)}",
         rank_delta(row["rank_change"], t("位")))
c.metric(t("三色"), t(charts.TIER_NAMES.get(row["tier"], "—")) if isinstance(row["tier"], str) else "—")
if d.button(t("查看镇街详情 →"), key="open-town"):
    shell.open_town(pick)
why = data.why(period, pick)
st.caption(t("每个分项相对全区中位数镇街多得（绿）或少得（红）的指数点；分项得分按当期各镇街折算为 0–100 分。"))
shell.chart(charts.why_bars(why, t), key="why-bars")
why_spec = [("name", "分项", "translate"), ("value_text", "数值", "text"), ("score", "得分", "number"),
            ("median_score", "全区中位数得分", "number"), ("share", "权重占比", "rate"),
            ("contribution", "贡献指数点", "number"), ("versus_median", "相对中位数", "number")]
why_shown = why.assign(value_text=[rate(v) if u == "%" else number(v) for v, u in zip(why["value"], why["unit"])])
st.dataframe(table(why_shown, why_spec, t), hide_index=True, width="stretch")
st.caption(t("结果指标分项为与上年同期相比的变化（计数类按每万人计）。"))

st.header(t("假设权重（不保存）"))
st.caption(t("拖动权重即时重新排名，仅在本页试算，不改变已保存的指标设置。"))


def _reset():
    for comp in components:
        st.session_state[f"w_{comp['code']}"] = int(comp["weight"])


with st.expander(t("调整权重"), expanded=False):
    cols = st.columns(4)
    weights = {}
    for i, comp in enumerate(components):
        weights[comp["code"]] = cols[i % 4].slider(t(comp["name"]), 0, 50, int(comp["weight"]),
                                                   key=f"w_{comp['code']}")
    st.button(t("恢复已保存的权重"), on_click=_reset, key="w-reset")
changed = any(weights[c["code"]] != int(c["weight"]) for c in components)
if changed:
    trial = data.what_if(period, weights)
    st.dataframe(table(trial, [("rank", "试算排名", "count"), ("rank_shift", "较现排名", "change"),
                               ("town_name", "镇街", "text"), ("score", "试算指数", "number"),
                               ("tier", "三色", "tier"), ("saved_rank", "现排名", "count"),
                               ("saved_score", "现指数", "number")], t),
                 hide_index=True, width="stretch", height=36 * (len(trial) + 1) + 4, key="what-if")
else:
    st.info(t("当前为已保存的权重；调整任一权重后显示试算排名。"))

st.header(t("责任部门排名"))
deps = data.departments(period)
dep_spec = [("rank", "排名", "count"), ("department", "责任部门", "text"), ("score", "指数", "number"),
            ("tier", "三色", "tier"), ("found", "发现隐患", "count"), ("rectification_rate", "整改率", "rate"),
            ("closure_rate", "销号率", "rate"), ("on_time_rate", "按期整改率", "rate"),
            ("overdue", "逾期隐患", "count"), ("backlog_overdue", "累计逾期", "count"),
            ("recurrence_rate", "复发率", "rate"), ("aired_closure_rate", "晾晒问题销号率", "rate")]
dep_table = table(deps, dep_spec, t)
st.dataframe(dep_table, hide_index=True, width="stretch", key="departments")
st.caption(t("部门指数按台账分项（整改率、销号率、按期整改率、复发率、晾晒问题销号率）及已保存权重计算，口径与镇街相同。"))
shell.downloads(dep_table, f"部门排名_{period.code}", "departments")
st.caption(p(f"{t('全区')}：{t('发现隐患')} {count(district['found'])} · {t('整改率')} "
           f"{rate(district['rectification_rate'])} · {t('销号率')} {rate(district['closure_rate'])}"))
