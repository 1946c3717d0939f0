-- One row per town, plus one district row (is_district): the ledger and inspection metrics of DESIGN §3
-- for the hazards found in the period [$start, $end], as of $as_of (D), and the backlog overdue (all of it,
-- and the part found before $start). With $fast the hazard counts are
-- summed from ledger_rollup's months, which is exact only when $as_of is the rollup's own as_of
-- (metrics.rollup_applies decides, for periods of whole months); without, they are counted from the hazards. Only one branch runs: a bound
-- constant filter removes the other from the plan.
with cohort as (
    -- the period's hazards only: on a ledger sorted by found_date this reads a few row groups
    select * from hazard_flags($start, $end, $as_of) where in_cohort and not $fast
),
counted as (
    select
        grouping(town_code) = 1                                       as is_district,
        town_code,
        count(*)                                                      as found,
        count(*) filter (where is_rectified)                          as rectified,
        count(*) filter (where is_closed)                             as closed,
        count(*) filter (where is_due)                                as due,
        count(*) filter (where is_on_time)                            as on_time,
        count(*) filter (where is_overdue)                            as overdue,
        coalesce(sum(overdue_days), 0)::bigint                        as overdue_days_total,
        max(overdue_days)                                             as overdue_days_max,
        count(*) filter (where is_recurred)                           as recurred,
        count(*) filter (where is_aired)                              as aired,
        count(*) filter (where is_aired and is_closed)                as aired_closed
    from cohort
    group by grouping sets ((town_code), ())
),
summed as (
    select
        grouping(town_code) = 1                                       as is_district,
        town_code,
        sum(found)::bigint                                            as found,
        sum(rectified)::bigint                                        as rectified,
        sum(closed)::bigint                                           as closed,
        sum(due)::bigint                                              as due,
        sum(on_time)::bigint                                          as on_time,
        sum(overdue)::bigint                                          as overdue,
        coalesce(sum(overdue_days_total), 0)::bigint                  as overdue_days_total,
        max(overdue_days_max)                                         as overdue_days_max,
        sum(recurred)::bigint                                         as recurred,
        sum(aired)::bigint                                            as aired,
        sum(aired_closed)::bigint                                     as aired_closed
    from ledger_rollup
    where $fast and found_month between $start and $end
    group by grouping sets ((town_code), ())
),
ledger as (
    -- an empty input still gives the district row, so each branch is kept or dropped whole
    select * from counted where not $fast
    union all
    select * from summed where $fast
),
backlog as (
    -- every hazard found by D, whatever its period: only the overdue ones, from narrow columns; the
    -- earlier_* ones were found before the period (the backlog a period's own figures do not show)
    select
        grouping(town_code) = 1                                       as is_district,
        town_code,
        count(*)                                                      as backlog_overdue,
        count(*) filter (where found_date < $start)                   as earlier_overdue,
        max(overdue_days) filter (where found_date < $start)          as earlier_overdue_days_max
    from hazard_flags($as_of, $as_of, $as_of)
    where known and is_overdue and not $fast
      -- implied by is_overdue, written on the columns so that the scan itself skips the rectified
      and deadline < $as_of and (rectified_date is null or rectified_date > $as_of)
    group by grouping sets ((town_code), ())
    having not $fast
    union all
    -- as of the rollup's own date, the overdue of every month found is the whole backlog; $fast only
    -- answers periods of whole months, so the months before $start are exactly the earlier ones
    select grouping(town_code) = 1, town_code, sum(overdue)::bigint,
           coalesce(sum(overdue) filter (where found_month < $start), 0)::bigint,
           max(overdue_days_max) filter (where found_month < $start and overdue > 0)
    from ledger_rollup
    where $fast
    group by grouping sets ((town_code), ())
    having $fast
),
checks as (
    select
        grouping(town_code) = 1                                       as is_district,
        town_code,
        count(*)                                                      as inspections,
        coalesce(sum(points_checked), 0)                              as points_checked,
        coalesce(sum(hazards_found), 0)                               as hazards_found_by_inspection
    from inspections
    where inspection_date between $start and least($end, $as_of)
    group by grouping sets ((town_code), ())
),
places as (
    select false as is_district, town_code, town_name, town_type, population, district_code from towns
    union all
    -- per 10,000 residents only when every town's population is known, else the districts' own populations
    -- when a city's store lists every one of them (metrics.district_rows counts a district the same way)
    select true, null, any_value(v.district_name), null,
           coalesce(case when count(population) = count(*) then sum(population) end,
                    (select case when count(population) = count(*) then sum(population) end from districts)),
           null
    from towns, vocabulary v
)
select
    p.is_district,
    p.town_code,
    p.district_code,
    p.town_name,
    p.town_type,
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
    coalesce(b.backlog_overdue, 0)                                    as backlog_overdue,
    coalesce(b.earlier_overdue, 0)                                    as earlier_overdue,
    b.earlier_overdue_days_max,
    coalesce(b.earlier_overdue, 0) * 10000.0 / nullif(p.population, 0) as earlier_overdue_per_10k,
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
left join backlog b on b.is_district = p.is_district and b.town_code is not distinct from p.town_code
left join checks c on c.is_district = p.is_district and c.town_code is not distinct from p.town_code
order by p.is_district desc, p.town_code
