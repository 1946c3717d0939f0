-- One row per town per towns batch that listed it: the stored rows, named and typed.
-- reads: raw_towns
select
    cast(town_code as varchar)      as town_code,
    cast(town_name as varchar)      as town_name,
    cast(town_type as varchar)      as town_type,
    cast(population as bigint)      as population,
    cast(area_km2 as double)        as area_km2,
    cast(grid_count as bigint)      as grid_count,
    cast(lon as double)             as lon,
    cast(lat as double)             as lat,
    cast(aliases as varchar)        as aliases,
    cast(district_code as varchar)  as district_code,   -- the district (县市区) a city's town is in; else null
    cast(source_row as bigint)      as source_row,
    cast(batch_seq as bigint)       as batch_seq
from raw_towns
