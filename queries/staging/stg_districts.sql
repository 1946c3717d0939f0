-- One row per district per districts batch that listed it: the stored rows, named and typed.
-- reads: raw_districts
select
    cast(district_code as varchar)  as district_code,
    cast(district_name as varchar)  as district_name,
    cast(population as bigint)      as population,
    cast(aliases as varchar)        as aliases,
    cast(source_row as bigint)      as source_row,
    cast(batch_seq as bigint)       as batch_seq
from raw_districts
