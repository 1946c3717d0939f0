-- One row per leader (包案领导): the leader-owned hazards found in the period [$start, $end], rectified,
-- closed and overdue as of $as_of, and their towns.
select
    f.leader,
    count(*)                                           as items,
    count(*) filter (where f.is_rectified)             as rectified,
    count(*) filter (where f.is_closed)                as closed,
    count(*) filter (where f.is_overdue)               as overdue,
    max(f.overdue_days)                                as overdue_days_max,
    string_agg(distinct t.town_name, '、' order by t.town_name) as towns
from hazard_flags($start, $end, $as_of) f
left join towns t using (town_code)
where f.in_cohort and coalesce(f.leader, '') <> ''
group by f.leader
order by overdue desc, items desc, f.leader
