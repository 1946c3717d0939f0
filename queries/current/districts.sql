-- One row per district (县市区) of a city's store: its latest listing (a later districts batch replaces a
-- district by code). A one-district store lists none.
-- reads: stg_districts
select * exclude (source_row)
from stg_districts
qualify row_number() over (partition by district_code order by batch_seq desc, source_row desc) = 1
