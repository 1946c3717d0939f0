-- One row per inspection visit: the latest batch that carried its inspection_id.
-- reads: stg_inspections
select *
from stg_inspections
qualify row_number() over (partition by inspection_id order by batch_seq desc, source_row desc) = 1
