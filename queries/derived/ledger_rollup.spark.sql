-- One row per found month, town and department, as ledger_rollup.sql says; Spark's variant: hazard_flags is a
-- view as of ledger_now (the arguments DuckDB's file passes to the macro), the rest is the DuckDB file's.
-- reads: ledger_now, hazard_flags, vocabulary
select
    now.as_of,
    cast(date_trunc('month', f.found_date) as date)             as found_month,
    f.town_code,
    coalesce(nullif(f.department, ''), v.unfilled)              as department,
    count(*)                                                    as found,
    count(*) filter (where f.is_rectified)                      as rectified,
    count(*) filter (where f.is_closed)                         as closed,
    count(*) filter (where f.is_due)                            as due,
    count(*) filter (where f.is_on_time)                        as on_time,
    count(*) filter (where f.is_overdue)                        as overdue,
    coalesce(sum(f.overdue_days), 0)                            as overdue_days_total,
    max(f.overdue_days)                                         as overdue_days_max,
    count(*) filter (where f.is_recurred)                       as recurred,
    count(*) filter (where f.is_aired)                          as aired,
    count(*) filter (where f.is_aired and f.is_closed)          as aired_closed
from ledger_now now
cross join vocabulary v
cross join hazard_flags f
where f.known
group by all
