-- One row per responsible department (责任部门; empty as '未填写', board/vocab.py): the ledger metrics of DESIGN §3 for the
-- hazards found in the period [$start, $end], as of $as_of, with the same definitions as ledger_metrics.
-- With $fast the counts are summed from ledger_rollup (exact only as of its own date, see ledger_metrics).
with flagged as (
    select * from hazard_flags($start, $end, $as_of) where not $fast
),
counted as (
    select
        coalesce(nullif(department, ''), v.unfilled)             as department,
        count(*) filter (where in_cohort)                       as found,
        count(*) filter (where in_cohort and is_rectified)      as rectified,
        count(*) filter (where in_cohort and is_closed)         as closed,
        count(*) filter (where in_cohort and is_due)            as due,
        count(*) filter (where in_cohort and is_on_time)        as on_time,
        count(*) filter (where in_cohort and is_overdue)        as overdue,
        count(*) filter (where known and is_overdue)            as backlog_overdue,
        count(*) filter (where in_cohort and is_recurred)       as recurred,
        count(*) filter (where in_cohort and is_aired)          as aired,
        count(*) filter (where in_cohort and is_aired and is_closed) as aired_closed
    from flagged, vocabulary v
    group by 1
),
summed as (
    -- as of the rollup's date every hazard is known, so the backlog is the overdue of every month
    select
        department,
        sum(found) filter (where in_period)::bigint             as found,
        sum(rectified) filter (where in_period)::bigint         as rectified,
        sum(closed) filter (where in_period)::bigint            as closed,
        sum(due) filter (where in_period)::bigint               as due,
        sum(on_time) filter (where in_period)::bigint           as on_time,
        sum(overdue) filter (where in_period)::bigint           as overdue,
        sum(overdue)::bigint                                    as backlog_overdue,
        sum(recurred) filter (where in_period)::bigint          as recurred,
        sum(aired) filter (where in_period)::bigint             as aired,
        sum(aired_closed) filter (where in_period)::bigint      as aired_closed
    from (select *, found_month between $start and $end as in_period from ledger_rollup where $fast)
    group by 1
),
ledger as (
    select * from counted
    union all
    select department, coalesce(found, 0), coalesce(rectified, 0), coalesce(closed, 0), coalesce(due, 0),
           coalesce(on_time, 0), coalesce(overdue, 0), backlog_overdue, coalesce(recurred, 0), coalesce(aired, 0),
           coalesce(aired_closed, 0)
    from summed
)
select
    department,
    found,
    rectified,
    rectified / nullif(found, 0)              as rectification_rate,
    closed,
    closed / nullif(found, 0)                 as closure_rate,
    due,
    on_time,
    on_time / nullif(due, 0)                  as on_time_rate,
    overdue,
    backlog_overdue,
    recurred,
    recurred / nullif(closed, 0)              as recurrence_rate,
    aired,
    aired_closed,
    aired_closed / nullif(aired, 0)           as aired_closure_rate
from ledger
where found > 0 or backlog_overdue > 0
order by department
