-- One row per grid cell ($cell degrees square) and status: how many of the hazards the map would draw
-- (map_hazards, filtered) fall in it, drawn at their mean position. Used instead of points when there are
-- too many to send to the browser; the counts are exact, only the positions are merged.
select
    f.status,
    floor(f.lon / $cell)::bigint            as cell_x,
    floor(f.lat / $cell)::bigint            as cell_y,
    avg(f.lon)                              as lon,
    avg(f.lat)                              as lat,
    count(*)                                as hazards,
    count(*) filter (where f.severity = v.severity_major) as major
from map_hazards($start, $end, $as_of, $towns::varchar[], $statuses::varchar[], $severities::varchar[],
                 $categories::varchar[], $sources::varchar[]) f, vocabulary v
group by all
order by cell_x, cell_y, f.status
