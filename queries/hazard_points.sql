-- One row per hazard found in the period [$start, $end] that has coordinates: what the map draws and
-- shows on hover, with its status as of $as_of (from hazard_flags).
select
    f.hazard_id,
    f.town_code,
    t.town_name,
    f.category,
    f.source,
    f.severity,
    f.status,
    f.overdue_days,
    f.unit_name,
    f.found_date,
    f.lon,
    f.lat
from hazard_flags($start, $end, $as_of) f
left join towns t using (town_code)
where f.in_cohort and f.lon is not null and f.lat is not null
order by f.hazard_id
