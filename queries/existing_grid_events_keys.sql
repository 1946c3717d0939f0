-- One row: how many event ids of an upload (registered as new_keys) the board already holds (read from
-- stg_grid_events, as for hazards: no dedupe needed to know whether an id is there).
select count(*) as n from new_keys where event_id in (select event_id from stg_grid_events)
