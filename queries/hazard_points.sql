-- One row per hazard the map draws (map_hazards: the period's hazards with coordinates known at $as_of,
-- filtered), with its status as of $as_of and what hover shows; at most $limit rows, the map asks for
-- grid cells (hazard_cells) when there are more.
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
from map_hazards($start, $end, $as_of, $towns::varchar[], $statuses::varchar[], $severities::varchar[],
                 $categories::varchar[], $sources::varchar[]) f
left join towns t using (town_code)
order by f.hazard_id
limit $limit
