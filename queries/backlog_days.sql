-- One row per day in $days: the open backlog as of that day, i.e. hazards found by then and not yet
-- rectified (of which overdue: deadline passed), and those rectified but not yet closed: hazard_flags'
-- is_rectified, is_overdue and is_closed as of each day, summed from derived/backlog_events (tests hold the
-- two equal). A day before the first hazard has no row.
select
    d.day,
    cast(sum(e.open_in - e.open_out) as bigint)         as open,
    cast(sum(e.overdue_in - e.overdue_out) as bigint)   as overdue,
    cast(sum(e.rnc_in - e.rnc_out) as bigint)           as rectified_not_closed
from (select unnest($days::date[]) as day) d
join backlog_events e on e.day <= d.day
group by d.day
order by d.day
