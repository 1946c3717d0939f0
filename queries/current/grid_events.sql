-- One row per grid event: the latest batch that carried its event_id (exports are snapshots of a living list).
-- reads: stg_grid_events
select * exclude (source_row)
from stg_grid_events
qualify row_number() over (partition by event_id order by batch_seq desc, source_row desc) = 1
