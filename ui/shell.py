"""The frame every page shares: language, period selector, the 示例数据 / as-of banners."""

from __future__ import annotations

import streamlit as st

from board import data, metrics
from ui.i18n import t

KINDS = {"month": "月", "quarter": "季", "half": "半年", "year": "年"}

# Constant CSS only (no data): large figures a leader can read from the back of the room.
STYLE = """
<style>
[data-testid="stMetricValue"] { font-size: 2.6rem; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.25rem; }
[data-testid="stMetricDelta"] { font-size: 1.15rem; }
h1 { font-size: 2.4rem !important; }
</style>
"""


def frame() -> None:
    """Sidebar controls and CSS; call once from app.py before the page runs."""
    st.html(STYLE)
    with st.sidebar:
        st.radio(t("语言"), ["zh", "en"], key="lang", horizontal=True,
                 format_func=lambda v: "中文" if v == "zh" else "English")
        kind = st.radio(t("统计期"), list(KINDS), key="period_kind", horizontal=True,
                        format_func=lambda k: t(KINDS[k]))
        choices = data.periods(kind)
        if choices:
            st.selectbox(t("统计期"), choices, key=f"period_{kind}", label_visibility="collapsed",
                         format_func=lambda p: p.label if st.session_state.get("lang", "zh") == "zh" else p.code)


def period() -> metrics.Period | None:
    """The period chosen in the sidebar (the latest one with data by default)."""
    kind = st.session_state.get("period_kind", "month")
    chosen = st.session_state.get(f"period_{kind}")
    if chosen is None:
        choices = data.periods(kind)
        chosen = choices[0] if choices else None
    return chosen


def header(title: str) -> metrics.Period | None:
    """Page title with the period, the as-of date and, for demo data, the 示例数据 label."""
    p = period()
    st.title(t(title))
    bits = []
    if p is not None:
        bits.append(f"{t('统计期')}：{p.label if st.session_state.get('lang', 'zh') == 'zh' else p.code}")
    as_of = data.as_of()
    if as_of:
        bits.append(f"{t('截至')} {as_of:%Y-%m-%d}")
    if data.is_demo():
        bits.append(f"**:orange-background[{t('示例数据')}]**")
    st.markdown(" · ".join(bits))
    return p
