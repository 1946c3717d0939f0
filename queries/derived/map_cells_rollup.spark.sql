-- map_cells_rollup.sql's rows; Spark's variant: hazard_flags is a view as of ledger_now (the arguments DuckDB's file
-- passes to the macro), and GROUP BY ALL is spelled out; the rest is the DuckDB file's.
-- reads: ledger_now, hazard_flags, vocabulary
select
    now.as_of,
    cast(date_trunc('month', f.found_date) as date)    as found_month,
    f.town_code,
    f.status,
    cast(floor(f.lon / 0.005) as bigint)               as cell_x,
    cast(floor(f.lat / 0.005) as bigint)               as cell_y,
    count(*)                                           as hazards,
    -- in millionths of a degree: integer sums come out the same in any order, on either engine
    sum(cast(round(f.lon * 1000000) as bigint))        as lon_micro,
    sum(cast(round(f.lat * 1000000) as bigint))        as lat_micro,
    count(*) filter (where f.severity = v.severity_major) as major
from ledger_now now
cross join vocabulary v
cross join hazard_flags f
where f.known and f.lon is not null and f.lat is not null
group by now.as_of, cast(date_trunc('month', f.found_date) as date), f.town_code, f.status, cast(floor(f.lon / 0.005) as bigint), cast(floor(f.lat / 0.005) as bigint)
