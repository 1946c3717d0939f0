-- One row per hazard: the latest batch that carried its hazard_id (exports are snapshots of a living ledger).
-- derived/hazards adds its recurrence; read this where only the rows matter (an upload's checks).
-- reads: stg_hazards
select *
from stg_hazards
qualify row_number() over (partition by hazard_id order by batch_seq desc, source_row desc) = 1
