-- One row per way a grid may be named in an export (its code, or its name where no other grid has it) and the grid meant.
with names as (
    select grid_name, any_value(grid_code) as grid_code
    from grids
    where grid_name is not null
    group by grid_name
    having count(*) = 1
)
select grid_code as key, grid_code from grids
union
select grid_name, grid_code from names
