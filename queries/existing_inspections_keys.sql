-- One row: how many inspection ids of an upload (registered as new_keys) the board already holds.
select count(*) as n from new_keys where inspection_id in (select inspection_id from inspections)
