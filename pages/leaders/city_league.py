"""区县排名 of a city's whole board (issue 15): the districts ranked against each other as a district ranks its
towns (board.city.league): rank, ▲▼ change, 平安指数, tier and components, why each scored as it did (the
components that pulled it down), 红黑榜. Each district opens its own board."""

import streamlit as st

from render import charts, city_charts
from render.format import count, md, number, rank_delta, rate, table
from ui import data, shell
from ui.i18n import p, t

period = shell.page("区县排名")

districts = data.districts_ranked(period)
definitions = data.district_definitions()
components = definitions["components"]
names = {c["code"]: c["name"] for c in components}
shown = [("towns", "镇街数", "count")]
shown += [(c["code"], c["name"], "rate" if c.get("unit") == "%" else "number")
          for c in components if c["source"] == "ledger" and c["code"] != "earlier_overdue_per_10k"]
shell.chart(city_charts.league_table(districts, shown, t, {"rate": rate, "number": number, "count": count}),
            key="district-league")
st.caption(p(data.comparison_note(period) + "；" + t("排名变化 = 上期同口径排名 − 本期排名（▲ 上升）") + "；"
             + t("三色：绿 ≥ {g} 分，黄 ≥ {y} 分，其余为红").format(**{
                 "g": definitions["tiers"]["green"], "y": definitions["tiers"]["yellow"]})))
st.caption(t("区县的数字是其镇街的合计，比率由合计重新计算（不是镇街比率的平均）；平安指数在各区县之间折算。"))
shell.district_buttons(districts, key="league")

empty = data.district_no_data(period)
if len(empty):
    st.warning(p(t("无数据") + "：" + "、".join(md(n) for n in empty["district_name"]) + "（"
                 + t("{period}没有隐患记录").format(period=shell.label(period)) + "）。"
                 + t("这些区县排在有数据的区县之后，不评三色，不计排名变化。")))
outside = data.unassigned(period)
if outside is not None:
    st.info(p(t("另有 {n} 个镇街未填所属区县，计入全市，不参加区县排名（本期发现隐患 {found} 个）。").format(
        n=count(outside["towns"]), found=count(outside["found"]))))

st.header(t("各区县拉低指数的分项"))
st.caption(t("每个区县失分最多的分项（最多三项，按失去的指数点从多到少）。"))
pulled = districts.assign(pulled=[
    p("、".join(t(names.get(c, c)) for c in codes)) if len(codes) else t("无") for codes in districts["pulled_down"]])
st.dataframe(table(pulled, [("rank", "排名", "count"), ("district_name", "区县", "text"), ("score", "平安指数", "number"),
                            ("tier", "三色", "tier"), ("pulled", "拉低指数的分项", "text")], t),
             hide_index=True, width="stretch", placeholder="—", key="district-why-all")

spec = [("rank", "排名", "count"), ("rank_change", "变化", "change"), ("district_name", "区县", "text"),
        ("towns", "镇街数", "count"), ("score", "平安指数", "number"), ("tier", "三色", "tier"),
        ("found", "发现隐患", "count"), ("rectification_rate", "整改率", "rate"), ("closure_rate", "销号率", "rate"),
        ("on_time_rate", "按期整改率", "rate"), ("overdue", "逾期隐患", "count"),
        ("overdue_per_10k", "每万人逾期隐患", "number"), ("backlog_overdue", "累计逾期", "count"),
        ("recurrence_rate", "复发率", "rate"), ("aired_closure_rate", "晾晒问题销号率", "rate"),
        ("pulled", "拉低指数的分项", "text")]
shell.downloads(table(pulled, spec, t), f"区县排名_{period.code}", "district-league")

size = data.district_board_size()
st.header(t("红黑榜"))
shell.district_podium(period, t("红榜（前 {n} 名）").format(n=size), t("黑榜（后 {n} 名）").format(n=size))

st.header(t("平安指数"))
shell.chart(city_charts.index_bars(districts, t), key="district-index-bars")

st.header(t("得分分析"))
labels = dict(zip(districts["district_code"], districts["district_name"]))
codes = list(labels)
pick = st.selectbox(t("选择区县"), codes, index=len(codes) - 1, format_func=labels.get, key="why_district")
row = districts[districts["district_code"] == pick].iloc[0]
a, b, c, d = st.columns(4)
a.metric(t("平安指数"), number(row["score"]))
b.metric(t("排名"), "—" if str(row["rank"]) == "<NA>" else f"{int(row['rank'])} / {len(districts)}",
         rank_delta(row["rank_change"], t("位")))
c.metric(t("三色"), t(charts.TIER_NAMES.get(row["tier"], "—")) if isinstance(row["tier"], str) else "—")
d.button(t("进入该区县看板 →"), key="open-district", on_click=shell.choose_scope, args=(pick,))
why = data.district_why(period, pick)
st.caption(t("每个分项相对全市中位数区县多得（绿）或少得（红）的指数点；分项得分按当期各区县折算为 0–100 分。"))
shell.chart(city_charts.why_bars(why, t), key="district-why-bars")
why_spec = [("name", "分项", "translate"), ("value_text", "数值", "text"), ("score", "得分", "number"),
            ("median_score", "全市中位数得分", "number"), ("share", "权重占比", "rate"),
            ("contribution", "贡献指数点", "number"), ("versus_median", "相对中位数", "number")]
why_shown = why.assign(value_text=[rate(v) if u == "%" else number(v) for v, u in zip(why["value"], why["unit"])])
st.dataframe(table(why_shown, why_spec, t), hide_index=True, width="stretch", key="district-why")
st.caption(t("结果指标分项为与上年同期相比的变化（计数类按每万人计）。"))
