"""平安晾晒台: the router and the frame. Pages live in pages/, figures come from board.data."""

import streamlit as st

from board import ROOT
from ui import shell

st.set_page_config(page_title="平安晾晒台", page_icon=str(ROOT / "assets" / "favicon.png"), layout="wide")
shell.frame()
st.navigation([
    st.Page(ROOT / "pages" / "overview.py", title="总览", url_path="overview", default=True),
]).run()
