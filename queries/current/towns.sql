-- One row per town: its latest listing (a later towns batch replaces a town by code).
-- reads: stg_towns
select * exclude (source_row)
from stg_towns
qualify row_number() over (partition by town_code order by batch_seq desc, source_row desc) = 1
