-- One row per enforcement outcome (执法结果) of the hazards at 执法 (escalation 3) found on or before $as_of,
-- whatever their period (the scope of the overdue list): how many, still open, overdue and closed as of $as_of.
select
    enforcement,
    count(*)                                           as hazards,
    count(*) filter (where not is_rectified)           as open,
    count(*) filter (where is_overdue)                 as overdue,
    count(*) filter (where is_closed)                  as closed
from hazard_flags($as_of, $as_of, $as_of)
where known and escalation = 3
group by all
order by hazards desc, enforcement nulls first
