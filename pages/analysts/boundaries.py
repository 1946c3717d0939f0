"""镇街边界 Boundaries: upload a GeoJSON of town boundaries; checked against the town list, then saved as the map's base."""

import streamlit as st

from board import boundaries
from board.store import default_path, Store
from ui import auth
from ui.i18n import t

user = auth.page("镇街边界")
if auth.scope() is not None:  # app.py routes only whole-city analysts here; a stray session stops too
    st.error(t("只有全市的分析员可以修改这一页；本账号只限部分区县"))
    st.stop()

store = Store(default_path())
st.caption(t("上传 GeoJSON FeatureCollection：每个要素的 properties 带 town_code（镇街代码）或 town_name（镇街名称），"
             "几何为 Polygon 或 MultiPolygon，坐标为 WGS-84 经纬度。保存后替换地图上的示意边界；旧版本保留在数据仓库中。"))
in_force = [e for e in store.events() if e["type"] == "boundaries"]
if in_force:
    e = in_force[-1]
    st.text(f"{t('现用边界')}：#{e['seq']} · {e['time'][:16].replace('T', ' ')} · {e['user']}")
else:
    st.text(t("还没有上传过边界，地图使用示意边界。"))

f = st.file_uploader(t("选择 GeoJSON 文件"), type=["geojson", "json"], key="boundaries_file")
if f is not None:
    with st.spinner(t("正在校验…")):
        checked = boundaries.check_for_store(store, f.getvalue())
    if not checked.ok:
        st.error(t("未通过校验，没有保存。请修改文件后重新上传：") + f"（{len(checked.problems)}）")
        st.dataframe({t("问题"): checked.problems}, hide_index=True, width="stretch")
    else:
        st.success(f"{t('校验通过')}：{checked.towns_covered} {t('个镇街有边界')}")
        if checked.towns_missing:
            st.text(f"{t('以下镇街没有边界（地图上不画）')}：{'、'.join(checked.towns_missing)}")
        if st.button(t("保存边界"), key="boundaries_save", type="primary"):
            event = store.save_boundaries(checked.doc, user)
            st.session_state["boundaries_saved"] = event["seq"]
            st.rerun()
if "boundaries_saved" in st.session_state:
    st.success(f"{t('已保存边界')} #{st.session_state.pop('boundaries_saved')}")
