-- One row: how many inspection ids of an upload (registered as new_keys) the board already holds (any active
-- batch carries the id: stg_inspections, without the dedupe of the inspections view).
select count(*) as n from new_keys where inspection_id in (select inspection_id from stg_inspections)
