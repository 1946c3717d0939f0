-- One row per airing notice (晾晒期号): the aired hazards found in the period [$start, $end] and how many
-- are rectified and closed as of $as_of.
select
    notice_no,
    count(*)                                           as aired,
    count(*) filter (where is_rectified)               as rectified,
    count(*) filter (where is_closed)                  as closed,
    count(*) filter (where is_closed) / count(*)       as closure_rate,
    count(*) filter (where is_overdue)                 as overdue
from hazard_flags($start, $end, $as_of)
where in_cohort and is_aired
group by notice_no
order by notice_no
