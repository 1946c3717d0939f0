-- One row per town, status, severity, category and source among the period's hazards with coordinates
-- known at $as_of (map_hazards, unfiltered): how many. The map's filter choices and its exact tallies.
select
    f.town_code,
    f.status,
    f.severity,
    f.category,
    f.source,
    count(*) as hazards
from map_hazards($start, $end, $as_of, []::varchar[], []::varchar[], []::varchar[], []::varchar[],
                 []::varchar[]) f
group by all
order by all
