-- One row per grid: its latest listing (a later grids batch replaces a grid by code, its town too).
-- reads: stg_grids
select * exclude (source_row)
from stg_grids
qualify row_number() over (partition by grid_code order by batch_seq desc, source_row desc) = 1
