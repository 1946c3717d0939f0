-- One row: how many hazard ids of an upload (registered as new_keys) the board already holds.
select count(*) as n from new_keys where hazard_id in (select hazard_id from hazards)
