-- One row per escalation level (0 无, 1 提醒, 2 警示, 3 执法) and enforcement outcome: the hazards found in
-- the period [$start, $end], how many are still open (not rectified) and overdue as of $as_of.
select
    coalesce(escalation, 0)                            as escalation,
    enforcement,
    count(*)                                           as hazards,
    count(*) filter (where not is_rectified)           as open,
    count(*) filter (where is_overdue)                 as overdue,
    count(*) filter (where is_closed)                  as closed
from hazard_flags($start, $end, $as_of)
where in_cohort
group by all
order by escalation, enforcement nulls first
