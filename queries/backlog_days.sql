-- One row per day in $days: the open backlog as of that day, i.e. hazards found by then and not yet
-- rectified (of which overdue: deadline passed), and those rectified but not yet closed. The conditions
-- are hazard_flags' is_rectified, is_overdue and is_closed written on the day column, because the macro
-- takes one as-of date and a lateral call per day ran 10× slower; tests hold the two equal.
select
    d.day,
    count(*) filter (where h.rectified_date is null or h.rectified_date > d.day)          as open,
    count(*) filter (where (h.rectified_date is null or h.rectified_date > d.day)
                       and h.deadline < d.day)                                         as overdue,
    count(*) filter (where h.rectified_date <= d.day
                       and (h.closed_date is null or h.closed_date > d.day))           as rectified_not_closed
from (select unnest($days::date[]) as day) d
join hazards h on h.found_date <= d.day
group by d.day
order by d.day
