-- One row per town, plus one district row (is_district): the ledger and inspection metrics of DESIGN §3
-- for the hazards found in the period [$start, $end], as of $as_of (D).
with flagged as (
    select * from hazard_flags($start, $end, $as_of)
),
ledger as (
    select
        grouping(town_code) = 1                                       as is_district,
        town_code,
        count(*) filter (where in_cohort)                             as found,
        count(*) filter (where in_cohort and is_rectified)               as rectified,
        count(*) filter (where in_cohort and is_closed)                  as closed,
        count(*) filter (where in_cohort and is_due)                     as due,
        count(*) filter (where in_cohort and is_on_time)                 as on_time,
        count(*) filter (where in_cohort and is_overdue)                 as overdue,
        coalesce(sum(overdue_days) filter (where in_cohort), 0) as overdue_days_total,
        max(overdue_days) filter (where in_cohort)  as overdue_days_max,
        count(*) filter (where known and is_overdue)                     as backlog_overdue,
        count(*) filter (where in_cohort and is_recurred)                              as recurred,
        count(*) filter (where in_cohort and is_aired)                   as aired,
        count(*) filter (where in_cohort and is_aired and is_closed)        as aired_closed
    from flagged
    group by grouping sets ((town_code), ())
),
checks as (
    select
        grouping(town_code) = 1                                       as is_district,
        town_code,
        count(*)                                                      as inspections,
        coalesce(sum(points_checked), 0)                              as points_checked,
        coalesce(sum(hazards_found), 0)                               as hazards_found_by_inspection
    from inspections
    where inspection_date between $start and $end
    group by grouping sets ((town_code), ())
),
places as (
    select false as is_district, town_code, town_name, population from towns
    union all
    select true, null, '全区', sum(population) from towns
)
select
    p.is_district,
    p.town_code,
    p.town_name,
    p.population,
    coalesce(l.found, 0)                                              as found,
    coalesce(l.rectified, 0)                                          as rectified,
    l.rectified / nullif(l.found, 0)                                  as rectification_rate,
    coalesce(l.closed, 0)                                             as closed,
    l.closed / nullif(l.found, 0)                                     as closure_rate,
    coalesce(l.due, 0)                                                as due,
    coalesce(l.on_time, 0)                                            as on_time,
    l.on_time / nullif(l.due, 0)                                      as on_time_rate,
    coalesce(l.overdue, 0)                                            as overdue,
    coalesce(l.overdue_days_total, 0)                                 as overdue_days_total,
    l.overdue_days_max,
    coalesce(l.overdue, 0) * 10000.0 / nullif(p.population, 0)        as overdue_per_10k,
    coalesce(l.backlog_overdue, 0)                                    as backlog_overdue,
    coalesce(l.recurred, 0)                                           as recurred,
    l.recurred / nullif(l.closed, 0)                                  as recurrence_rate,
    coalesce(l.aired, 0)                                              as aired,
    coalesce(l.aired_closed, 0)                                       as aired_closed,
    l.aired_closed / nullif(l.aired, 0)                               as aired_closure_rate,
    coalesce(c.inspections, 0)                                        as inspections,
    coalesce(c.points_checked, 0)                                     as points_checked,
    coalesce(c.hazards_found_by_inspection, 0)                        as hazards_found_by_inspection
from places p
left join ledger l on l.is_district = p.is_district and l.town_code is not distinct from p.town_code
left join checks c on c.is_district = p.is_district and c.town_code is not distinct from p.town_code
order by p.is_district desc, p.town_code
