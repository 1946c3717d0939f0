-- One row per grid per grids batch that listed it: the stored rows, named and typed.
-- reads: raw_grids
select
    cast(grid_code as varchar)      as grid_code,
    cast(grid_name as varchar)      as grid_name,
    cast(town_code as varchar)      as town_code,
    cast(worker as varchar)         as worker,
    cast(households as bigint)      as households,
    cast(population as bigint)      as population,
    cast(source_row as bigint)      as source_row,
    cast(batch_seq as bigint)       as batch_seq
from raw_grids
