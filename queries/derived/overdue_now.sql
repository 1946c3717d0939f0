-- One row per hazard overdue as of the ledger's own now (as_of, the date ledger_rollup is counted as of, carried
-- on each row): the overdue list the board shows by default, kept with the hazards so that a page does not
-- scan the whole ledger for it (0.4–0.8 s at 10M hazards). Any other as-of date is counted by overdue_list.
-- reads: hazards, hazard_flags
with now as (
    select max(greatest(found_date, rectified_date, closed_date)) as as_of from hazards
)
select
    now.as_of,
    f.hazard_id,
    f.town_code,
    f.unit_name,
    f.category,
    f.severity,
    f.description,
    f.found_date,
    f.deadline,
    f.overdue_days,
    f.department,
    coalesce(f.escalation, 0)   as escalation,
    f.notice_no,
    f.leader
from now, hazard_flags(now.as_of, now.as_of, now.as_of) f
where f.known and f.is_overdue
