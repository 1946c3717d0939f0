-- One row per way a grid may be named in an export (its code, or its name where no other grid has it) and the grid meant.
-- Codes come first, then names, each by code: _resolve_towns keeps the first reading of a key, the same in every run.
with names as (
    select grid_name, any_value(grid_code) as grid_code
    from grids
    where grid_name is not null
    group by grid_name
    having count(*) = 1
),
keys as (
    select grid_code as key, grid_code, 0 as kind from grids
    union all
    select grid_name, grid_code, 1 from names
)
select key, grid_code
from keys
order by kind, grid_code, key
