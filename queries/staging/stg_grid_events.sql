-- One row per grid event per grid_events batch that carried it: the stored rows, named and typed.
-- reads: raw_grid_events
select
    cast(event_id as varchar)       as event_id,
    cast(grid_code as varchar)      as grid_code,
    cast(reported_date as date)     as reported_date,
    cast(category as varchar)       as category,
    cast(source as varchar)         as source,
    cast(deadline as date)          as deadline,
    cast(closed_date as date)       as closed_date,
    cast(status as varchar)         as status,
    cast(valid as boolean)          as valid,
    cast(reporter as varchar)       as reporter,
    cast(source_row as bigint)      as source_row,
    cast(batch_seq as bigint)       as batch_seq
from raw_grid_events
