-- map_tally_rollup.sql's rows; Spark's variant: hazard_flags is a view as of ledger_now (the arguments DuckDB's file
-- passes to the macro), and GROUP BY ALL is spelled out; the rest is the DuckDB file's.
-- reads: ledger_now, hazard_flags
select
    now.as_of,
    cast(date_trunc('month', f.found_date) as date)    as found_month,
    f.town_code,
    f.status,
    f.severity,
    f.category,
    f.source,
    count(*)                                           as hazards
from ledger_now now
cross join hazard_flags f
where f.known and f.lon is not null and f.lat is not null
group by now.as_of, cast(date_trunc('month', f.found_date) as date), f.town_code, f.status, f.severity, f.category, f.source
