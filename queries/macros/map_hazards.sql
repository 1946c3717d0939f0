-- One row per hazard the map may draw: found in [start_date, end_date] and known at as_of_date, with
-- coordinates, and among the chosen towns, statuses, severities, categories and sources (an empty list
-- means all). The map's tally, points and grid cells all read it, so they always count the same hazards.
-- reads: hazard_flags
create or replace macro map_hazards(start_date, end_date, as_of_date, towns, statuses, severities, categories,
                                    sources) as table
select f.*
from hazard_flags(start_date, end_date, as_of_date) f
where f.in_cohort
    and f.lon is not null and f.lat is not null
    and (len(towns) = 0 or list_contains(towns, f.town_code))
    and (len(statuses) = 0 or list_contains(statuses, f.status))
    and (len(severities) = 0 or list_contains(severities, f.severity))
    and (len(categories) = 0 or list_contains(categories, f.category))
    and (len(sources) = 0 or list_contains(sources, f.source))
