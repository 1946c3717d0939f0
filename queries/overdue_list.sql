-- One row per hazard overdue as of $as_of (found on or before it, not rectified, deadline passed), worst first;
-- the first $limit of them (null: all).
select
    f.hazard_id,
    f.town_code,
    t.town_name,
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
from hazard_flags($as_of, $as_of, $as_of) f
left join towns t using (town_code)
where f.known and f.is_overdue
order by f.overdue_days desc, f.hazard_id
limit $limit
