-- One row per inspection visit per inspections batch that carried it, named and typed.
-- reads: raw_inspections
select
    cast(inspection_id as varchar)  as inspection_id,
    cast("date" as date)            as inspection_date,
    cast(town_code as varchar)      as town_code,
    cast(inspector_type as varchar) as inspector_type,
    cast(unit_name as varchar)      as unit_name,
    cast(points_checked as bigint)  as points_checked,
    cast(hazards_found as bigint)   as hazards_found,
    cast(source_row as bigint)      as source_row,
    cast(batch_seq as bigint)       as batch_seq
from raw_inspections
