-- One row: the ledger's own now (the latest found, rectified or closed date; deadlines do not count), and the
-- arguments ledger_rollup gives hazard_flags: from 0001-01-01 to that date, as of that date. Spark only: Spark
-- has no table macros, so hazard_flags.spark.sql is a view that reads its arguments from here, where DuckDB's
-- ledger_rollup.sql passes them to the macro inline.
-- reads: hazards
select
    date '0001-01-01'   as start_date,
    as_of               as end_date,
    as_of               as as_of_date,
    as_of
from (select max(greatest(found_date, rectified_date, closed_date)) as as_of from hazards) as now
