-- One row per town, month and indicator per indicators batch, named and typed.
-- reads: raw_indicators
select
    cast("month" as date)           as month,
    cast(town_code as varchar)      as town_code,
    cast(indicator as varchar)      as indicator,
    cast("value" as double)         as value,
    cast(source_row as bigint)      as source_row,
    cast(batch_seq as bigint)       as batch_seq
from raw_indicators
