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
    "已登录查看账号": "Logged in as viewer", "只限区县": "Limited to districts",
    "本看板需要登录后查看。": "This board is shown after logging in.",
    "该批次由": "This batch was uploaded by",
    "上传；只限部分区县的账号只能回滚自己上传的批次。":
        "; an account limited to some districts may roll back only its own batches.",
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
    # issue 12a: like for like, weeks, group leagues, towns without data, the backlog from earlier periods
    "周": "Week",
    "（变化均与之比较，避免把上期多出的整改时间当作本期下滑）":
        " (every change is against it, so that the extra time the earlier period had to rectify is not read as "
        "a fall in this one)",
    "各期同口径：每期的数据都截至该期期末加上本期截至日与本期期末之差，与本期数据时长相同。":
        "Like for like across the periods: each period's data is seen as of its end plus as many days as this "
        "period's as-of date is past its end, so every period has had the same time.",
    "前 {n} 名": "Top {n}", "后 {n} 名": "Bottom {n}",
    "红榜（前 {n} 名）": "Honour roll (top {n})", "黑榜（后 {n} 名）": "Black list (bottom {n})",
    "排名变化 = 上期同口径排名 − 本期排名（▲ 上升）":
        "rank change = the earlier period's like-for-like rank − this rank (▲ up)",
    "每万人逾期隐患只计本期发现的隐患；前期积压是本期以前发现、截至日仍逾期的隐患个数，积压最久天数是其中逾期最久的天数；"
    "前期积压可在指标设置中作为指数分项（默认权重 0，不计入指数）。":
        "Overdue per 10k counts only the hazards found in the period; the backlog is the hazards found before the "
        "period and still overdue on the as-of date, its longest days the most days one of them is overdue; the "
        "backlog can be made an index component in Definitions (weight 0 by default, not in the index).",
    "前期积压": "Backlog", "积压最久天数": "Max days", "前期逾期积压": "Earlier overdue backlog",
    "积压最长逾期天数": "Backlog's most days overdue", "前期逾期积压（每万人）": "Earlier overdue backlog per 10k",
    "前期逾期积压 {n} 个，最长逾期 {days} 天": "earlier overdue backlog {n}, the longest {days} days overdue",
    "分组": "Group", "组内排名": "Rank in group", "组内变化": "Change in group", "全区排名": "District rank",
    "组内": " group ", "分组排名": "League by group",
    "按镇街类型分组（指标设置中可改），组内另排名次和红黑榜；组内变化与上期同口径的组内名次比较。":
        "Towns grouped by their type (set in Definitions), each group ranked with its own best and worst; the "
        "change in group is against the group rank of the earlier period like for like.",
    "{period}没有隐患记录": "no hazards recorded in {period}", "无{parts}": "no {parts}",
    "这些镇街排在有数据的镇街之后，不评三色，不计排名变化。":
        "These towns are ranked after the towns with data, with no tier and no rank change.",
    "本期发现的隐患，按督办层级。": "The hazards found in the period, by escalation level.",
    "截至日所有升级到执法的隐患（不限统计期，与下方逾期隐患清单同一口径）。":
        "Every hazard escalated to enforcement by the as-of date (any period, as the overdue list below).",
    "截至日没有升级到执法的隐患": "No hazard escalated to enforcement by the as-of date",
    "复发 {a} 个 / 已销号 {b} 个": "{a} recurred / {b} closed",
    "已销号 {a} 个 / 晾晒 {b} 个": "{a} closed / {b} aired",
    "通报周期": "Notice period", "月度通报": "Monthly notice", "每周晾晒": "Weekly airing",
    "分组排名与红黑榜": "Groups and best and worst",
    "镇街按类型分组另排组内名次和红黑榜。每行一组，写成“组名：类型、类型”；类型不在任何组的镇街归入下面的组名。":
        "Towns are grouped by type, each group ranked with its own best and worst. One group a line, written "
        "group: type, type (Chinese punctuation works too); towns of a type in no group go to the group named "
        "below.",
    "镇街分组": "Town groups", "未分组镇街归入": "Towns in no group go to", "红黑榜各取名次": "Best and worst: how many",
    "本期没有隐患的镇街": "Towns with no hazards in the period",
    "排在有数据的镇街之后，不评三色": "Ranked after the towns with data, no tier",
    "按已有分项照常排名": "Ranked as usual on the components they have", "不排名": "Not ranked",
    # issue 11: real exports (the upload page)
    "放在一边": "Set aside", "工作表": "Sheet",
    "默认读取表头最像数据的工作表；如读错了，请在这里选择。":
        "The sheet whose header looks most like data is read by default; choose another here if that was wrong.",
    "为每个标准列选择文件中的对应列；带 * 的必须选择。同一列可对应多个标准列（例如完成日期同时作为整改和销号日期）。"
    "标有“建议”的是看板按列名相似度猜的，请确认。":
        "Choose the file's column for each standard column; those marked * are required. One column may serve "
        "several standard columns (a completion date as both the rectified and the closed date, say). Those marked "
        "suggested are the board's guesses from the column names: please check them.",
    "建议，请确认": "suggested, please check",
    "每类问题只列出前": "Each kind of problem lists its first", "行；另有": "rows; another",
    "行未在此列出，下载的完整报告逐行列出全部": "rows are not listed here; the full report to download lists all",
    "条": "",
    "下载放在一边的行（Excel，含行号和原因）": "Download the rows set aside (Excel, with row numbers and reasons)",
    "行有问题，已放在一边（保存在批次中）。下载后改好，再作为普通文件上传即可按编号补上。":
        "rows had problems and were set aside (kept in the batch). Download them, fix them and upload them as an "
        "ordinary file: they are added by their IDs.",
    "值对应关系": "Value mapping",
    "下列值看板不认识；请选择它们对应的标准值（会和列对应关系一起记住，下个月同样的文件不用再选）。":
        "The board does not know these values; choose the standard value for each (remembered with the column "
        "mapping, so next month's file of the same kind needs no choosing).",
    "隐患等级": "Severity", "是否整改": "Rectified?", "是否销号": "Closed?", "（请选择）": "(choose)",
    "先导入没有问题的": "Import the", "行，把有问题的": "rows without problems first and set the",
    "行放在一边": "rows with problems aside",
    "放在一边的行保存在批次中，随时可下载（含 Excel 行号和原因）；改好后作为普通文件再上传，按编号补上。":
        "Rows set aside are kept in the batch and can be downloaded at any time (with Excel row numbers and "
        "reasons); fix them and upload them as an ordinary file to add them by their IDs.",
    "以下": "These", "行有问题，确认导入后放在一边（不会丢失）：":
        "rows have problems and will be set aside on import (not lost):",
    "已校验": "Validated", "，其余文件需要先选择数据类型或无法读取":
        "; the other files need a dataset chosen or cannot be read",
    "该批次导入时有": "When this batch was imported,",
    "行有问题，已放在一边；改好后作为普通文件再上传即可按编号补上。":
        "rows had problems and were set aside; fix them and upload them as an ordinary file to add them by their IDs.",
    # issue 14: the grid level (网格)
    "网格": "Grids", "网格事件": "Grid events", "有效事件采集率": "Valid event rate", "办结率": "Completion rate",
    "按期办结率": "On-time completion rate", "超期未办结": "Overdue, not completed", "网格数": "Number of grids",
    "各镇街网格星级分布": "Grid stars per town", "升降星": "Stars up/down", "镇街内网格排名": "Grid league in a town",
    "网格员近12个月星级": "A grid worker's stars over 12 months", "选择网格员": "Choose a grid worker",
    "每个月都按同样天龄计算（该月月末后与本月相同的天数）。":
        "Every month is seen at the same age (as many days past its end as this month).",
    "评星规则": "The star rule",
    "规则保存在指标定义文件（grid_stars），分析员可以修改。":
        "The rule is kept in the definitions file (grid_stars); analysts can change it.",
    "暂无网格事件数据：请先上传网格名单和网格事件": "No grid events yet: upload the grid list and the grid events first",
    "星级每月评定：所选统计期的指标按整个统计期计算，星级和升降星按该期最后一个月。":
        "Stars are rated monthly: the rates are for the whole period chosen, the stars and their changes for its "
        "last month.",
    "网格事件截至": "Grid events as of", "星级按": "stars for", "升降星对比": "changes against",
    "（截至 {date}，同样天龄）": " (as of {date}, the same age)", "降两星及以上": "Fell two stars or more", "升两星及以上": "Rose two stars or more",
    "网格员": "Grid worker", "上月星级": "Last month's stars", "本月星级": "This month's stars", "事件": "Events",
    "星级": "Stars", "每千户事件": "Events per 1,000 households", "网格编码": "Grid code",
    "1星": "1 star", "2星": "2 stars", "3星": "3 stars", "4星": "4 stars", "5星": "5 stars", "{n}星": "{n} stars",
    "查看本镇街网格（星级、升降星）→": "This town's grids (stars, ups and downs) →",
    # the meeting screen (会议模式)
    "全区概况": "District overview", "镇街排名 · 平安指数": "League · safety index",
    "三色分布 · 绿 / 黄 / 红": "Tiers · green / yellow / red",
    "整改进度 · 整改率与销号率": "Progress · rectification and closure rates", "红色预警 · {town}": "Red alert · {town}",
    "第 {i}/{n} 页": "Slide {i} of {n}", "三色（绿 / 黄 / 红）": "Tiers (green / yellow / red)",
    "红榜 · 前{n}": "Honour roll · top {n}", "黑榜 · 后{n}": "Black list · bottom {n}", "持平": "unchanged",
    "图中数字为平安指数排名": "The numbers on the map are the towns' ranks by safety index",
    "尚未上传镇街边界": "No town boundaries uploaded yet", "{tier}色 · {n} 个": "{tier} · {n}",
    "排名（较上期同口径 {change}）": "Rank (change {change})", "第 {rank} 名": "No. {rank}",
    "失分项 · 较全区中位数少得最多的六项（指数分）":
        "Points lost · the six components furthest behind the median town (index points)",
    "全区整改率": "District rectification rate", "分": "pts",
    "第{rank}名 · 指数 {score} · {tier}": "No. {rank} · index {score} · {tier}",
    "参数 period={value} 无法识别（应为 2026-10、2026-Q3 等，年份 1990–2100），改为显示最近一个有数据的月份":
        "The parameter period={value} is not understood (it should be 2026-10, 2026-Q3 and so on, years "
        "1990–2100); the latest month with data is shown instead",
    "参数 scale={value} 无法识别（应为 0.5 到 3 之间的数字），按 1 倍显示":
        "The parameter scale={value} is not understood (it should be a number from 0.5 to 3); shown at 1×",
    "参数 every={value} 无法识别（应为秒数），改为每 20 秒换一页":
        "The parameter every={value} is not understood (it should be seconds); the slide changes every 20 seconds "
        "instead",
    # the city board (issue 15): a city's districts, the scope chooser, the drill-down
    "全市": "Whole city", "区县": "District", "区县排名": "District league", "镇街数": "Towns",
    "查看范围": "Showing", "← 返回全市": "← Back to the city", "选择区县": "Choose a district",
    "所属区县": "District", "未分区县": "No district", "全市近12期走势": "The city over the last 12 periods",
    "点击区县，进入该区县的看板：": "Open a district's own board:", "进入该区县看板 →": "Open this district's board →",
    "全市中位数得分": "City median district's score",
    "相对全市中位数区县的得分（指数点）": "Against the city's median district (index points)",
    "区县的数字是其镇街的合计，比率由合计重新计算（不是镇街比率的平均）；平安指数在各区县之间折算。":
        "A district's figures are its towns' totals, its rates recomputed from them (never an average of its "
        "towns' rates); the safety index is scored across the districts.",
    "这些区县排在有数据的区县之后，不评三色，不计排名变化。":
        "These districts rank after the districts with data, with no tier and no rank change.",
    "另有 {n} 个镇街未填所属区县，计入全市，不参加区县排名（本期发现隐患 {found} 个）。":
        "{n} more towns have no district: counted in the city, ranked in no district ({found} hazards found "
        "this period).",
    "各区县拉低指数的分项": "What pulled each district's index down", "拉低指数的分项": "Pulled down by",
    "每个区县失分最多的分项（最多三项，按失去的指数点从多到少）。":
        "The components on which each district lost the most index points (up to three, most first).",
    "每个分项相对全市中位数区县多得（绿）或少得（红）的指数点；分项得分按当期各区县折算为 0–100 分。":
        "Index points each component gains (green) or loses (red) against a district scoring the city's median; "
        "components are scored 0–100 across the districts of the period.",
    "区县着色指标": "Colour the districts by",
    "全市地图：镇街按所属区县着色，或按所属区县的指标着色；点击镇街进入该区县看板的镇街详情。":
        "The city's map: towns coloured by their district, or by their district's figure; click a town to open "
        "it on its district's board.",
    "全市看板不排镇街名次：选择镇街，进入其所属区县的看板查看镇街详情。":
        "The city's board ranks districts, not towns: choose a town to open it on its district's board.",
    "无权查看任何区县": "This account may not see any district",
    "本账号的区县不在本看板的区县名单中，无法查看任何区县的数据；请联系管理员":
        "This account's districts are not among this board's districts, so it can see no district's figures; "
        "ask the administrator",
    "无权查看全市：本账号只能查看 {mine}，已显示 {shown}":
        "Not allowed to see the whole city: this account may see only {mine}; showing {shown}",
    "无权查看该区县（{name}）：本账号只能查看 {mine}，{instead}":
        "Not allowed to see this district ({name}): this account may see only {mine}; {instead}",
    "没有区县“{name}”（网址中的 scope 参数），{instead}": "There is no district “{name}” (the address's scope); {instead}",
    "已显示 {shown}": "showing {shown}", "已显示全市": "showing the whole city",
    # the meeting screen and the notice in a city's scope (issue 15)
    "全市概况": "City overview", "{name}概况": "{name} · overview", "区县排名 · 平安指数": "District league · safety index",
    "区县分布 · 镇街按所属区县着色": "Districts · towns coloured by their district",
    "整改进度 · 各区县整改率与销号率": "Progress · each district's rectification and closure rates",
    "红黑榜 · 区县与红色镇街": "Honour roll and black list · districts and red towns",
    "镇街按所属区县着色，图中为区县排名与名称": "Towns are coloured by their district; the map names each district with its rank",
    "全市整改率": "City rectification rate", "{name}整改率": "{name} rectification rate",
    "各区县红色镇街 · {n} 个": "Red towns of each district · {n}", "无红色镇街": "no red town",
    "镇街后的数字为其在本区县的排名": "The number after a town is its rank within its district",
    "全市平安晾晒通报 第{number}期": "City airing notice No. {number}", "红色区县": "Red districts",
    "各区县红色镇街": "Red towns of the districts", "全市逾期问题": "Overdue problems in the city",
    "下载全市通报 PDF": "Download the city notice (PDF)", "下载全市通报 Excel": "Download the city notice (Excel)",
    "全市通报列出各区县排名与红黑榜、各区县的红色镇街（按各区县自己的排名）和全市逾期问题清单；某一区县的通报与会议材料，请在上方选择该区县。":
        "The city notice lists the districts' league with its honour roll and black list, each district's red "
        "towns (by the district's own ranking) and the city's overdue list; for one district's notice and meeting "
        "pack, choose the district above. The notice is printed in Chinese.",
    "区县内排名": "Rank in district", "各区县红色镇街（{n} 个）": "Red towns of the districts ({n})",
    "本期没有红色镇街": "No red town this period",
    "{period}，全市共发现隐患问题 {found} 个，整改率 {rectification_rate}，销号率 {closure_rate}，"
    "按期整改率 {on_time_rate}，本期逾期 {overdue} 个，累计逾期未整改 {backlog_overdue} 个，"
    "复发率 {recurrence_rate}。{districts} 个区县三色评定：绿色 {green} 个、黄色 {yellow} 个、红色 {red} 个；"
    "各区县红色镇街共 {red_towns} 个。数据截至 {as_of:%Y年%m月%d日}；排名变化{comparison}。":
        "{period}: {found} hazards found in the city; rectification rate {rectification_rate}, closure rate "
        "{closure_rate}, on-time rate {on_time_rate}; {overdue} overdue this period and {backlog_overdue} overdue "
        "in all; recurrence rate {recurrence_rate}. Tiers of the {districts} districts: {green} green, {yellow} "
        "yellow, {red} red; {red_towns} red towns in the districts. Data as of {as_of:%Y-%m-%d}; rank changes "
        "{comparison}.",
}


def lang() -> str:
    return st.session_state.get("lang", "zh")


def follow_url() -> None:
    """On a page load, the language the URL asks for (?lang=en), for a screen without the language radio (the
    meeting screen); Chinese when it asks for none."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = "en" if st.query_params.get("lang") == "en" else "zh"


def t(text: str) -> str:
    """The text in the viewer's language (Chinese is the key and the fallback)."""
    return EN.get(text, text) if lang() == "en" else text


# Chinese punctuation in a text put together from translated parts, as English writes it
FULL_WIDTH = str.maketrans({"。": ". ", "：": ": ", "（": " (", "）": ")", "；": "; ", "，": ", ", "、": ", ", "？": "? "})


def p(text: str) -> str:
    """A text composed of translated parts (and data), its full-width punctuation made English in English."""
    if lang() != "en":
        return text
    return text.translate(FULL_WIDTH).replace("  ", " ").strip()


def fixed():
    """t for the viewer's language now, usable where there is no session (a deferred download's thread)."""
    return (lambda text: EN.get(text, text)) if lang() == "en" else (lambda text: text)
