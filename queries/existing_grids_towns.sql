-- One row per grid code of an upload (registered as new_keys) the board already holds: the town of its latest
-- listing, read from stg_grids filtered to the upload's codes first (as for hazards).
select grid_code as key, town_code
from stg_grids
where grid_code in (select grid_code from new_keys)
qualify row_number() over (partition by grid_code order by batch_seq desc, source_row desc) = 1
