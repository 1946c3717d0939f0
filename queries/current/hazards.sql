-- One row per hazard: the latest batch that carried its hazard_id (exports are snapshots of a living ledger).
-- reads: stg_hazards
select *
from stg_hazards
qualify row_number() over (partition by hazard_id order by batch_seq desc, source_row desc) = 1
