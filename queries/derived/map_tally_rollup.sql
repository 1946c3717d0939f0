-- One row per found month, town, status, severity, category and source: how many hazards with coordinates,
-- as of the ledger's own now (as_of, the date ledger_rollup is counted as of, carried on each row). The map's
-- tally for a period of whole months as of that date is the sum of its months (hazard_tally_now), instead of
-- a scan of the period's hazards (0.12 s for a year at 10M).
-- reads: hazards, hazard_flags
with now as (
    select max(greatest(found_date, rectified_date, closed_date)) as as_of from hazards
)
select
    now.as_of,
    cast(date_trunc('month', f.found_date) as date)    as found_month,
    f.town_code,
    f.status,
    f.severity,
    f.category,
    f.source,
    count(*)                                           as hazards
from now, hazard_flags(date '0001-01-01', now.as_of, now.as_of) f
where f.known and f.lon is not null and f.lat is not null
group by all
