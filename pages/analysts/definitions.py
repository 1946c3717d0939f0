"""指标设置 Definitions: the composite index's weights, tier thresholds, groups of town types, 红黑榜 size and how a
town without data ranks, saved as versions; older versions restorable."""

import json

import pandas as pd
import streamlit as st

from board import definitions as defs
from board.store import default_path, Store
from ui import auth
from ui.i18n import lang, p as punctuated, t

user = auth.page("指标设置")
if auth.scope() is not None:  # app.py routes only whole-city analysts here; a stray session stops too
    st.error(t("只有全市的分析员可以修改这一页；本账号只限部分区县"))
    st.stop()

store = Store(default_path())
current = defs.load(store, store.state())
comps = current["components"]


def forget_inputs() -> None:
    """Drop the edited values so the inputs show the definitions in force again."""
    for k in [k for k in st.session_state if str(k).startswith("def_")]:
        del st.session_state[k]


st.caption(t("平安指数 = 各分项在当期各镇街之间折算为 0–100 分后按权重加权。权重合计须为 100；三色阈值须满足 0 ≤ 黄 ≤ 绿 ≤ 100。保存后成为新版本，旧版本可随时恢复。"))
st.subheader(t("分项权重"))
grid = st.columns(3)
weights = {}
for i, c in enumerate(comps):
    direction = t("越高越好") if c["direction"] == "higher" else t("越低越好")
    weights[c["code"]] = grid[i % 3].number_input(
        punctuated(f"{t(c['name'])}（{t(c['unit'])}，{direction}）"), min_value=0.0, max_value=100.0, step=1.0,
        value=float(c["weight"]), key=f"def_w_{c['code']}")
st.metric(t("权重合计"), f"{sum(weights.values()):g}")

st.subheader(t("三色阈值（平安指数）"))
c = st.columns(2)
green = c[0].number_input(t("绿：指数不低于"), 0.0, 100.0, float(current["tiers"]["green"]), 1.0, key="def_green")
yellow = c[1].number_input(t("黄：指数不低于（低于此为红）"), 0.0, 100.0, float(current["tiers"]["yellow"]), 1.0,
                           key="def_yellow")

st.subheader(t("分组排名与红黑榜"))
st.caption(t("镇街按类型分组另排组内名次和红黑榜。每行一组，写成“组名：类型、类型”；类型不在任何组的镇街归入下面的组名。"))
g = st.columns([3, 1, 1])
groups_text = g[0].text_area(t("镇街分组"), defs.groups_text(current, english=lang() == "en"), height=130,
                             key="def_groups")
other = g[1].text_input(t("未分组镇街归入"), current.get("other_group", "其他"), key="def_other")
size = int(g[2].number_input(t("红黑榜各取名次"), 1, 20, int(current.get("board_size", 3)), 1, key="def_board"))
no_data = st.radio(t("本期没有隐患的镇街"), list(defs.NO_DATA), horizontal=True, key="def_no_data",
                   index=list(defs.NO_DATA).index(current.get("no_data", "last")),
                   format_func=lambda k: t(defs.NO_DATA[k]))

edited = dict(current, components=[dict(c, weight=weights[c["code"]]) for c in comps],
              tiers=dict(current["tiers"], green=green, yellow=yellow), groups=defs.parse_groups(groups_text),
              other_group=other.strip(), board_size=size, no_data=no_data)
problems = defs.problems(edited)
for p in problems:
    st.error(p)
changed = edited != current
if st.button(t("保存为新版本"), key="def_save", type="primary", disabled=bool(problems) or not changed):
    event = store.save_definitions(edited, user)
    st.session_state["def_saved"] = event["seq"]
    st.rerun()
if "def_saved" in st.session_state:
    st.success(f"{t('已保存为新版本')} #{st.session_state.pop('def_saved')}")

st.subheader(t("历史版本"))
versions = [e for e in store.events() if e["type"] == "definitions"]
if not versions:
    st.caption(t("还没有保存过版本；现在使用的是系统自带的默认定义。"))
else:
    st.dataframe(pd.DataFrame({
        t("版本"): [f"#{e['seq']}" for e in versions][::-1],
        t("时间"): [e["time"][:19].replace("T", " ") for e in versions][::-1],
        t("保存人"): [e["user"] for e in versions][::-1],
        t("状态"): [t("使用中") if e["path"] == store.state().definitions else "" for e in versions][::-1],
    }), hide_index=True, width="stretch")
    by_seq = {e["seq"]: e for e in versions}
    seq = st.selectbox(t("恢复哪个版本"), list(by_seq)[::-1], format_func=lambda s: f"#{s}", key="def_restore_seq")
    if st.button(t("恢复该版本（另存为最新版本）"), key="def_restore"):
        old = json.loads((store.path / by_seq[seq]["path"]).read_text("utf-8"))
        event = store.save_definitions(old, user)
        forget_inputs()
        st.session_state["def_saved"] = event["seq"]
        st.rerun()
