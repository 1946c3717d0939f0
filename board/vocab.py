"""The board's words, defined once: tiers, hazard statuses, escalation levels, severities, ageing buckets.

The SQL reads them from the one-row table `vocabulary` that db.connect fills from here with bound
parameters (v.statuses[1]); the charts, the notice and the translations import them; nothing else spells them.
"""

from __future__ import annotations

# 三色 (DESIGN §3): the tier codes the index gives, best first, and their Chinese names
TIERS = {"green": "绿", "yellow": "黄", "red": "红"}

# A hazard's status as of D, in the order the status checks apply (DESIGN §3)
CLOSED, RECTIFIED, OVERDUE, OPEN = "已销号", "已整改待销号", "逾期", "整改中"
STATUSES = (CLOSED, RECTIFIED, OVERDUE, OPEN)

# 督办层级: 0 none, then 提醒 → 警示 → 执法
ESCALATION_LEVELS = {0: "无", 1: "提醒", 2: "警示", 3: "执法"}
ESCALATIONS = {name: level for level, name in ESCALATION_LEVELS.items()}
# Days past the deadline after which each level is due: a reminder at once, a warning after
# 10 days, enforcement after 30 (the office's usual practice; the ledger records what was done).
ESCALATE_AFTER = ((3, 30), (2, 10), (1, 0))

SEVERITIES = ("一般", "较大", "重大")
MAJOR = "重大"
UNGRADED = "未分级"       # a hazard with no severity, where a list groups by severity
UNFILLED = "未填写"       # an empty department, where a league groups by department
DISTRICT = "全区"         # the district row's name beside the towns
CITY = "全市"             # the same row in a city's store of several districts (issue 15)

# How long an overdue hazard has been overdue: (last day of the bucket, its name); the last is open-ended
AGE_BUCKETS = ((7, "1–7天"), (30, "8–30天"), (90, "31–90天"), (None, "90天以上"))
AGE_BUCKET_NAMES = tuple(name for _, name in AGE_BUCKETS)


def suggested_level(overdue_days: int) -> int:
    """The escalation an item overdue this many days should have reached (1 提醒, 2 警示, 3 执法)."""
    return next(level for level, days in ESCALATE_AFTER if overdue_days > days)


def sql_words() -> dict[str, object]:
    """The words the SQL reads, by column of the `vocabulary` table (db.connect binds each)."""
    return {
        "statuses": list(STATUSES),
        "severity_major": MAJOR,
        "ungraded": UNGRADED,
        "unfilled": UNFILLED,
        "district_name": DISTRICT,
        "age_bucket_days": [d for d, _ in AGE_BUCKETS if d is not None],
        "age_bucket_names": list(AGE_BUCKET_NAMES),
    }
