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
    "比率": "Rate", "隐患超过 {n} 个，按约 500 米网格合并显示：圆越大隐患越多，悬停看数量；用筛选缩小范围可看到每个点位。":
        "Over {n} hazards, so they are merged on a grid of about 500 m: a bigger circle holds more hazards, "
        "hover for the count; narrow the filters to see each point.",
    "处隐患": "hazards",
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
    "天": "days", "全区": "District", "每万人逾期隐患": "Overdue per 10k people", "指数": "Index",
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
    # issue 12b: the league picture, inspection coverage, English everywhere
    "平安晾晒 · 镇街排名": "Safety airing · Town league", "下载晾晒图（PNG）": "Download the league picture (PNG)",
    "镇街排名图片，宽 1080 像素，适合发到工作群": "The league as a picture 1080 px wide, for the work group",
    "检查覆盖": "Inspection coverage", "检查类型": "Inspector type", "检查次数": "Inspections",
    "{covered} / {towns} 镇街已覆盖": "{covered} / {towns} towns inspected", "已覆盖": "Inspected",
    "未覆盖": "Not inspected", "本期未检查": "Not inspected this period", "最近检查日期": "Last inspected",
    "本期未检查的镇街：": "Towns not inspected in the period: ",
    "统计期内（截至日前）至少有一次所选类型检查的镇街为已覆盖；不选检查类型即全部类型。":
        "A town counts as inspected when a visit of the chosen types was made in it in the period (up to the "
        "as-of date); no type chosen means every type.",
    "第三方(啄木鸟)": "Third party (woodpecker)", "暗访": "Unannounced visit", "部门": "Department", "联合": "Joint",
    "晾晒": "Airing", "分析": "Analysis",
    "平安晾晒通报 第{number}期": "Airing notice No. {number}", "本期晾晒问题": "Problems aired this period",
    "逾期问题": "Overdue problems", "督办升级提示": "Escalations due", "红色镇街": "Red towns",
    "下载通报 PDF": "Download the notice (PDF)", "下载通报 Excel": "Download the notice (Excel)",
    "下载会议材料 PDF": "Download the meeting pack (PDF)", "较上期": "Change", "当前层级": "Escalation now",
    "建议层级": "Escalation due", "督办升级提示（{n} 个）": "Escalations due ({n})",
    "会议材料按会议模式的顺序，每页一屏：概况、排名、三色分布、整改进度、每个红色镇街一页（生成约需二十秒）。":
        "The meeting pack follows meeting mode, one screen a page: overview, league, tiers, progress, and one page "
        "per red town (about twenty seconds to make). The notice and the pack are printed in Chinese.",
    "{period}，全区共发现隐患问题 {found} 个，整改率 {rectification_rate}，销号率 {closure_rate}，"
    "按期整改率 {on_time_rate}，本期逾期 {overdue} 个，累计逾期未整改 {backlog_overdue} 个，"
    "复发率 {recurrence_rate}。本期晾晒问题 {aired} 个。三色评定：绿色 {green} 个、黄色 {yellow} 个、"
    "红色 {red} 个。数据截至 {as_of:%Y年%m月%d日}；排名变化{comparison}。":
        "{period}: {found} hazards found in the district; rectification rate {rectification_rate}, closure rate "
        "{closure_rate}, on-time rate {on_time_rate}; {overdue} overdue this period and {backlog_overdue} overdue "
        "in all; recurrence rate {recurrence_rate}. {aired} problems aired this period. Tiers: {green} green, "
        "{yellow} yellow, {red} red. Data as of {as_of:%Y-%m-%d}; rank changes {comparison}.",
    "查看看板无需登录；上传数据、回滚批次、修改指标需要分析员账号。":
        "Viewing the board needs no login; uploading data, rolling back batches and editing definitions need an "
        "analyst account.",
    "用户名或密码不对": "Wrong user name or password",
    "为每个标准列选择文件中的对应列；带 * 的必须选择。同一列可对应多个标准列（例如完成日期同时作为整改和销号日期）。":
        "Choose the file's column for each standard column; those marked * are required. One column may serve "
        "several standard columns (a completion date as both the rectified and the closed date, say).",
    "只在确认这些名称确实是本区的镇街时勾选；它们会作为新镇街写入镇街名单。":
        "Tick only when these really are towns of this district: they will be added to the list of towns.",
    "可一次选择多个文件（CSV、Excel、Parquet，每个不超过 200 MB）。先校验，确认后才写入；未确认前数据仓库不会有任何改动。":
        "Choose several files at once (CSV, Excel, Parquet, up to 200 MB each). They are validated first and "
        "written only when you confirm; until then the store does not change.",
    "各页面都按该批次导入后的数据显示，直到点“返回最新”。":
        "Every page shows the data as imported with that batch until you click “Back to now”.",
    "平安指数 = 各分项在当期各镇街之间折算为 0–100 分后按权重加权。权重合计须为 100；三色阈值须满足 0 ≤ 黄 ≤ 绿 ≤ 100。保存后成为新版本，旧版本可随时恢复。":
        "Safety index = each component scored 0–100 across the towns of the period, weighted. The weights must "
        "add up to 100; the tier thresholds must satisfy 0 ≤ yellow ≤ green ≤ 100. Saving makes a new version; "
        "earlier versions can be restored at any time.",
    "上传 GeoJSON FeatureCollection：每个要素的 properties 带 town_code（镇街代码）或 town_name（镇街名称），"
    "几何为 Polygon 或 MultiPolygon，坐标为 WGS-84 经纬度。保存后替换地图上的示意边界；旧版本保留在数据仓库中。":
        "Upload a GeoJSON FeatureCollection: each feature's properties carry town_code or town_name, its geometry "
        "is a Polygon or MultiPolygon in WGS-84 longitude and latitude. Saving replaces the schematic boundaries "
        "on the map; earlier versions stay in the store.",
    "数据上传": "Upload",
    "批次记录": "Batches",
    "指标设置": "Definitions",
    "镇街边界": "Boundaries",
    "分析员登录": "Analyst login",
    "账号": "Account",
    "用户名": "User name",
    "密码": "Password",
    "登录": "Log in",
    "退出登录": "Log out",
    "已登录分析员": "Logged in as analyst",
    "选择文件": "Choose files",
    "文件": "File",
    "数据类型": "Dataset",
    "前 10 行预览": "First 10 rows",
    "列对应关系": "Column mapping",
    "需要选择": "Choose",
    "（不使用）": "(not used)",
    "行": "Row",
    "列": "Column",
    "值": "Value",
    "原因": "Reason",
    "注意": "Note",
    "行数": "Rows",
    "将新增": "Will add",
    "将更新": "Will update",
    "新增行": "Rows added",
    "更新行": "Rows updated",
    "数据截至日期": "Data as of",
    "将新登记镇街": "New towns to register",
    "确认导入": "Confirm import",
    "已导入": "Imported",
    "批次": "Batch",
    "时间": "Time",
    "上传人": "Uploaded by",
    "新增": "Added",
    "更新": "Updated",
    "有效": "Active",
    "已回滚": "Rolled back",
    "对一个批次操作": "Act on a batch",
    "下载原始文件": "Download original file",
    "查看该批次导入后的看板": "View the board as of this batch",
    "回滚该批次": "Roll back this batch",
    "确认回滚": "Confirm rollback",
    "取消": "Cancel",
    "分项权重": "Component weights",
    "权重合计": "Total weight",
    "三色阈值（平安指数）": "Tier thresholds (index)",
    "绿：指数不低于": "Green: index at least",
    "黄：指数不低于（低于此为红）": "Yellow: index at least (below is red)",
    "越高越好": "Higher is better",
    "越低越好": "Lower is better",
    "历史版本": "Earlier versions",
    "版本": "Version",
    "保存人": "Saved by",
    "使用中": "In use",
    "恢复哪个版本": "Version to restore",
    "现用边界": "Boundaries in use",
    "问题": "Problems",
    "选择 GeoJSON 文件": "Choose a GeoJSON file",
    "个镇街有边界": "towns have a boundary",
    "保存边界": "Save boundaries",
    "返回最新": "Back to now",
    "下载校验报告（Excel）": "Download the validation report (Excel)",
    "把未登记的镇街登记为新镇街": "Register unknown towns as new towns",
    "保存为新版本": "Save as a new version",
    "恢复该版本（另存为最新版本）": "Restore this version (saved as the newest)",
    "校验通过": "Valid",
    "校验通过（尚未写入）": "Valid (nothing written yet)",
    "未通过校验，数据仓库未做任何改动。请按下表修改文件后重新上传。": "Rejected: the store is unchanged. Fix the file as listed below and upload it again.",
    "未通过校验，没有保存。请修改文件后重新上传：": "Rejected, nothing saved. Fix the file and upload it again:",
    "无法自动识别，请选择数据类型": "Could not detect the dataset; please choose it",
    "这个文件已经上传过，不会重复导入。": "This file was uploaded before; it will not be imported twice.",
    "已套用上次为同一来源文件保存的列对应关系。": "Applied the column mapping saved for this export source.",
    "正在读取文件…": "Reading file…",
    "正在校验…": "Validating…",
    "正在写入…": "Writing…",
    "正在读取和校验": "Reading and validating",
    "全部文件已校验": "All files validated",
    "等待选择文件": "Waiting for files",
    "确认回滚批次": "Confirm rolling back batch",
    "回滚后看板不再包含该批次的数据；原始文件仍保留在归档中，回滚记录可查。": "After rollback the board no longer includes this batch; the original file stays archived and the rollback is recorded.",
    "已回滚批次": "Rolled back batch",
    "该批次已回滚。": "This batch has been rolled back.",
    "已保存为新版本": "Saved as a new version",
    "已保存边界": "Boundaries saved",
    "以下镇街没有边界（地图上不画）": "These towns have no boundary (not drawn on the map)",
    "看板正在显示批次": "The board is showing batch",
    "导入后的状态": "as imported",
    "正在查看历史状态": "Viewing an earlier state",
    "导入后的看板，数字不是最新的。": "as imported — these figures are not the latest.",
    "真实数据仓库还没有任何批次；请先在“数据上传”页导入文件。": "The store has no batches yet; import files on the Upload page first.",
    "还没有保存过版本；现在使用的是系统自带的默认定义。": "No saved version yet; the built-in default definitions are in use.",
    "还没有上传过边界，地图使用示意边界。": "No boundaries uploaded yet; the map uses schematic boundaries.",
    "会议模式": "Meeting mode",
    "截至日仍逾期 {total} 条，这里显示逾期最久的 {shown} 条；完整清单请下载。":
        "{total} hazards are overdue as of the date; the {shown} overdue longest are shown here. "
        "Download the full list.",
    "晾晒通报": "Airing notice",
}


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(text: str) -> str:
    """The text in the viewer's language (Chinese is the key and the fallback)."""
    return EN.get(text, text) if lang() == "en" else text


# Chinese punctuation in a text put together from translated parts, as English writes it
FULL_WIDTH = str.maketrans({"：": ": ", "（": " (", "）": ")", "；": "; ", "，": ", ", "、": ", ", "？": "? "})


def p(text: str) -> str:
    """A text composed of translated parts (and data), its full-width punctuation made English in English."""
    if lang() != "en":
        return text
    return text.translate(FULL_WIDTH).replace("  ", " ").strip()


def fixed():
    """t for the viewer's language now, usable where there is no session (a deferred download's thread)."""
    return (lambda text: EN.get(text, text)) if lang() == "en" else (lambda text: text)
