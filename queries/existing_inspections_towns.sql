-- One row per inspection id of an upload (registered as new_keys) the board already holds: the town of its
-- latest stored row, read from stg_inspections filtered to the upload's ids first (as for hazards).
select inspection_id as key, town_code
from stg_inspections
where inspection_id in (select inspection_id from new_keys)
qualify row_number() over (partition by inspection_id order by batch_seq desc, source_row desc) = 1
