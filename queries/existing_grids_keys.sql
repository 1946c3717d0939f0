-- One row: how many grid codes of an upload (registered as new_keys) the board already holds.
select count(*) as n from new_keys where grid_code in (select grid_code from stg_grids)
