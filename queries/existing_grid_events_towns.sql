-- One row per event id of an upload (registered as new_keys) the board already holds: the town of the grid its
-- latest stored row names (null when that grid is no longer listed), read from stg_grid_events filtered to the
-- upload's ids first (as for hazards).
with latest as (
    select event_id, grid_code
    from stg_grid_events
    where event_id in (select event_id from new_keys)
    qualify row_number() over (partition by event_id order by batch_seq desc, source_row desc) = 1
)
select l.event_id as key, g.town_code
from latest l
left join grids g using (grid_code)
