-- One row per found month, town and department (empty as '未填写', board/vocab.py): the ledger counts of hazard_flags for
-- every hazard, as of the ledger's own now (as_of, the date as_of_default gives, carried on each row).
-- Materialised with the hazards, it lets ledger_metrics and department_metrics sum a period's months
-- instead of scanning its hazards, whenever they are asked as of that date (the board's default).
-- reads: hazards, hazard_flags, vocabulary
with now as (
    select max(greatest(found_date, rectified_date, closed_date)) as as_of from hazards
)
select
    now.as_of,
    date_trunc('month', f.found_date)::date                     as found_month,
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
from now, vocabulary v, hazard_flags(date '0001-01-01', now.as_of, now.as_of) f
where f.known
group by all
