-- One row per town, month and indicator: the latest batch that reported it.
-- reads: stg_indicators
select *
from stg_indicators
qualify row_number() over (partition by town_code, month, indicator order by batch_seq desc, source_row desc) = 1
