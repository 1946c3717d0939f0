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
    # the leaders' pages
    "三色": "Tier", "绿": "Green", "黄": "Yellow", "红": "Red",
    "三色：绿 ≥ {g} 分，黄 ≥ {y} 分，其余为红": "Tiers: green ≥ {g}, yellow ≥ {y}, otherwise red",
    "下载 CSV": "Download CSV", "下载 Excel": "Download Excel",
    "与上一统计期比较": "Compared with the previous period", "与上年同期比较": "Compared with a year earlier",
    "个百分点": "pp", "位": "places", "第": "No. ", "名": "",
    "假设权重（不保存）": "What-if weights (not saved)", "全部": "All", "六边形聚合": "Hexagons",
    "分项相对全区中位数": "Components against the district median", "前三名": "Top three", "后三名": "Bottom three",
    "包案领导": "Leader in charge", "包案隐患": "Leader-owned", "发现 → 整改 → 销号": "Found → rectified → closed",
    "发现": "Found", "整改": "Rectified", "销号": "Closed", "变化": "Change", "地图上的隐患": "Hazards on the map",
    "复发隐患": "Recurrences", "尚未上传镇街边界，地图只显示隐患点位。": "No town boundaries yet: the map shows hazards only.",
    "较好": "Better", "居中": "Middle", "较差": "Worse", "无数据": "No data",
    "已整改": "Rectified", "已销号": "Closed", "已整改待销号": "Rectified, not closed", "逾期": "Overdue",
    "整改中": "Open", "未整改": "Not rectified", "未销号": "Not closed", "其中逾期": "Of which overdue",
    "平安指数": "Safety index", "得分分析": "Why this score", "恢复已保存的权重": "Restore saved weights",
    "当前为已保存的权重；调整任一权重后显示试算排名。": "These are the saved weights; move a slider to see a trial ranking.",
    "截至日仍逾期的全部隐患（不限统计期），按超过整改期限的天数分档。":
        "Every hazard overdue on the as-of date (any period), by days past its deadline.",
    "截至日仍逾期的全部隐患，点击表头排序。": "Every hazard overdue on the as-of date; click a header to sort.",
    "执法结果": "Enforcement outcome", "拖动权重即时重新排名，仅在本页试算，不改变已保存的指标设置。":
        "Move the weights to re-rank at once; a trial on this page only, the saved definitions do not change.",
    "按等级": "By severity", "按镇街": "By town", "排名": "Rank", "排名变化与上一统计期比较": "Rank change against the previous period",
    "排名走势（近12期）": "Rank over the last 12 periods", "提醒 → 警示 → 执法": "Reminder → warning → enforcement",
    "无": "None", "提醒": "Reminder", "警示": "Warning", "执法": "Enforcement",
    "晾晒问题销号": "Aired problems closed", "暂无结果指标数据": "No outcome indicators yet", "期": "No.",
    "未整改存量（各月末）": "Open backlog at each month end", "本期发现（有坐标）": "Found this period (with coordinates)",
    "本期没有包案隐患": "No leader-owned hazards this period", "本期没有升级到执法的隐患": "No hazard escalated to enforcement this period",
    "本期没有晾晒问题": "No aired problems this period", "本期逾期": "Overdue (this period)",
    "本期隐患分布": "This period's hazards", "来源": "Source", "查看镇街详情 →": "Town detail →",
    "每个分项相对全区中位数镇街多得（绿）或少得（红）的指数点；分项得分按当期各镇街折算为 0–100 分。":
        "Index points each component gains (green) or loses (red) against a town scoring the district median; "
        "components are scored 0–100 across the towns of the period.",
    "比率": "Rate", "点位超过 2 万个时不显示悬停详情；请用筛选缩小范围。":
        "Above 20,000 points hover details are off; narrow the filters.",
    "点位（按状态）": "Points (by status)",
    "点的大小表示隐患等级（一般、较大、重大）；悬停查看详情，点击镇街进入镇街详情。":
        "Point size shows severity (general, major, serious); hover for details, click a town for its page.",
    "状态": "Status", "相对全区中位数的得分（指数点）": "Against the district median (index points)",
    "督办升级": "Escalation", "等级": "Severity", "类别": "Category", "一般": "General", "较大": "Major", "重大": "Serious",
    "红榜（前三名）": "Honour roll (top three)", "黑榜（后三名）": "Black list (bottom three)", "红黑榜": "Best and worst",
    "结果指标分项为与上年同期相比的变化（计数类按每万人计）。":
        "Outcome components are changes against a year earlier (counts per 10,000 residents).",
    "结果指标（同比）": "Outcome indicators (year on year)", "调整权重": "Adjust weights",
    "责任部门排名": "Departments' league", "责任部门": "Department", "近12期走势": "Last 12 periods",
    "选择镇街": "Choose a town", "逾期时长分布": "Overdue ageing", "逾期隐患清单": "Overdue hazards",
    "部门指数按台账分项（整改率、销号率、按期整改率、复发率、晾晒问题销号率）及已保存权重计算，口径与镇街相同。":
        "The departments' index uses the ledger components (rectification, closure, on-time, recurrence, aired "
        "closure) with the saved weights, defined as for the towns.",
    "镇街": "Town", "镇街着色指标": "Colour towns by", "隐患显示": "Show hazards as",
    "天": "days", "全区": "District", "每万人逾期隐患": "Overdue per 10k residents", "指数": "Index",
    "分项": "Component", "数值": "Value", "得分": "Score", "全区中位数得分": "District median score",
    "权重占比": "Weight share", "贡献指数点": "Index points", "相对中位数": "Against median",
    "试算排名": "Trial rank", "较现排名": "Change", "试算指数": "Trial index", "现排名": "Saved rank", "现指数": "Saved index",
    "责任主体": "Unit", "发现日期": "Found", "销号日期": "Closed on", "晾晒期号": "Notice no.", "晾晒问题": "Aired",
    "隐患数": "Hazards", "最长逾期天数": "Most days overdue", "逾期天数": "Days overdue", "督办层级": "Escalation",
    "整改期限": "Deadline", "隐患编号": "Hazard ID", "未填写": "Not given",
    "1–7天": "1–7 days", "8–30天": "8–30 days", "31–90天": "31–90 days", "90天以上": "Over 90 days",
    "刑事案件数": "Criminal cases", "电诈发案数": "Telecom fraud cases", "火警警情数": "Fire alarms",
    "道路交通亡人数": "Road deaths", "生产安全事故数": "Work accidents", "信访件数": "Petitions",
    "群众安全感满意率": "Public sense of safety", "件": "cases", "起": "incidents", "人": "people",
    "件/万人": "per 10k",
}


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(text: str) -> str:
    """The text in the viewer's language (Chinese is the key and the fallback)."""
    return EN.get(text, text) if lang() == "en" else text
