"""平安晾晒台: the router and the frame. Pages live in views/, figures come from board.data."""

import streamlit as st

from board import ROOT
from ui import asof, auth, shell

PAGES = ROOT / "views"

st.set_page_config(page_title="平安晾晒台", page_icon=str(ROOT / "assets" / "favicon.png"), layout="wide")

if st.query_params.get("mode") == "meeting":
    # the meeting-room screen: no navigation, no sidebar, one rotating page
    st.navigation([st.Page(PAGES / "meeting.py", title="会议模式", url_path="meeting", default=True)],
                  position="hidden").run()
else:
    shell.frame()
    asof.banner()
    viewer = [
        st.Page(PAGES / "overview.py", title="总览", url_path="overview", default=True),
        st.Page(PAGES / "league.py", title="镇街排名", url_path="league"),
        st.Page(PAGES / "hazard_map.py", title="隐患地图", url_path="map"),
        st.Page(PAGES / "progress.py", title="整改进度", url_path="progress"),
        st.Page(PAGES / "town.py", title="镇街详情", url_path="town"),
    ]
    # analyst pages do not exist in a viewer's navigation, so their URLs lead nowhere
    analyst = [
        st.Page(PAGES / "upload.py", title="数据上传", url_path="upload"),
        st.Page(PAGES / "batches.py", title="批次记录", url_path="batches"),
        st.Page(PAGES / "definitions.py", title="指标设置", url_path="definitions"),
        st.Page(PAGES / "boundaries.py", title="镇街边界", url_path="boundaries"),
        st.Page(PAGES / "notice.py", title="晾晒通报", url_path="notice"),
    ] if auth.is_analyst() else []
    account = [st.Page(PAGES / "login.py", title="分析员登录" if not auth.is_analyst() else "账号", url_path="login")]
    st.navigation({"晾晒": viewer, **({"分析": analyst} if analyst else {}), "": account}).run()
