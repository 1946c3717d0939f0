-- One row per found month, status and grid cell of maps.CELL (0.005°) degrees: how many hazards with
-- coordinates, their coordinates summed (in millionths of a degree) and how many are major, as of the ledger's own now (as_of, carried on
-- each row). The unfiltered map of a period of whole months as of that date sums its months
-- (hazard_cells_now), instead of a scan of the period's hazards.
-- reads: hazards, hazard_flags, vocabulary
with now as (
    select max(greatest(found_date, rectified_date, closed_date)) as as_of from hazards
)
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
from now, vocabulary v, hazard_flags(date '0001-01-01', now.as_of, now.as_of) f
where f.known and f.lon is not null and f.lat is not null
group by all
