-- One row per hazard overdue as of the ledger's own now, as overdue_now.sql says; Spark's variant: hazard_flags
-- is a view as of ledger_now (the arguments DuckDB's file passes to the macro), the rest is the DuckDB file's.
-- reads: ledger_now, hazard_flags
select
    now.as_of,
    f.hazard_id,
    f.town_code,
    f.unit_name,
    f.category,
    f.severity,
    f.description,
    f.found_date,
    f.deadline,
    f.overdue_days,
    f.department,
    coalesce(f.escalation, 0)   as escalation,
    f.notice_no,
    f.leader
from ledger_now now
cross join hazard_flags f
where f.known and f.is_overdue
