-- One row per hazard id of an upload (registered as new_keys) the board already holds: the town of its latest
-- stored row (a scoped upload may not take another district's hazard). stg_hazards is filtered to the upload's
-- ids before the latest row is picked, so a 10M-row store is not deduplicated whole.
select hazard_id as key, town_code
from stg_hazards
where hazard_id in (select hazard_id from new_keys)
qualify row_number() over (partition by hazard_id order by batch_seq desc, source_row desc) = 1
