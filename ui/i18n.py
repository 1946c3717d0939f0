"""Chinese first; English when the viewer switches language. Keys are the Chinese text."""

import streamlit as st

EN = {
    "平安晾晒台": "Safety Transparency Board",
    "总览": "Overview", "镇街排名": "League table", "隐患地图": "Hazard map",
    "整改进度": "Rectification", "镇街详情": "Town detail",
    "统计期": "Period", "月": "Month", "季": "Quarter", "半年": "Half-year", "年": "Year",
    "语言": "Language", "截至": "As of", "示例数据": "Demo data",
    "发现隐患": "Hazards found", "整改率": "Rectification rate", "销号率": "Closure rate",
    "按期整改率": "On-time rate", "逾期隐患": "Overdue", "复发率": "Recurrence rate",
    "晾晒问题销号率": "Aired closure rate", "检查点位": "Points checked",
    "检查发现隐患": "Hazards found by inspection", "累计逾期": "Backlog overdue",
    "暂无数据": "No data yet",
}


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(text: str) -> str:
    """The text in the viewer's language (Chinese is the key and the fallback)."""
    return EN.get(text, text) if lang() == "en" else text
