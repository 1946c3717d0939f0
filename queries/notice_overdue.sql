-- One row per hazard overdue as of $as_of, whatever period it was found in (the backlog_overdue of
-- DESIGN §3), most overdue first within each town. $start/$end only satisfy hazard_flags.
select
    f.town_code,
    t.town_name,
    f.hazard_id,
    f.category,
    f.severity,
    f.unit_name,
    f.description,
    f.found_date,
    f.deadline,
    f.overdue_days,
    coalesce(f.escalation, 0) as escalation,
    f.notice_no,
    f.department,
    f.leader
from hazard_flags($start, $end, $as_of) f
left join towns t on t.town_code = f.town_code
where f.known and f.is_overdue
order by f.town_code, f.overdue_days desc, f.hazard_id
