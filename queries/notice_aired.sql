-- One row per hazard aired in notice $notice_no, or found in [$start, $end] and aired at all:
-- the airing notice's newly aired problems, with their status as of $as_of.
select
    f.town_code,
    t.town_name,
    f.hazard_id,
    f.category,
    f.severity,
    f.source,
    f.unit_name,
    f.description,
    f.found_date,
    f.deadline,
    f.rectified_date,
    f.closed_date,
    f.notice_no,
    f.escalation,
    f.status,
    f.overdue_days
from hazard_flags($start, $end, $as_of) f
left join towns t on t.town_code = f.town_code
where f.notice_no = $notice_no or (f.in_cohort and f.is_aired)
order by f.town_code, f.found_date, f.hazard_id
