-- overdue_list as of the ledger's own now, from derived/overdue_now: the same rows in the same order (tests hold
-- the two equal); the first $limit of them (null: all). figures.overdue_list picks this one when it applies.
select
    o.hazard_id,
    o.town_code,
    t.town_name,
    o.unit_name,
    o.category,
    o.severity,
    o.description,
    o.found_date,
    o.deadline,
    o.overdue_days,
    o.department,
    o.escalation,
    o.notice_no,
    o.leader
from overdue_now o
left join towns t using (town_code)
order by o.overdue_days desc, o.hazard_id
limit $limit
