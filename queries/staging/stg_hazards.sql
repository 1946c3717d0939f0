-- One row per hazard per hazards batch that carried it: the stored rows, named and typed.
-- reads: raw_hazards
select
    cast(hazard_id as varchar)      as hazard_id,
    cast(town_code as varchar)      as town_code,
    cast(category as varchar)       as category,
    cast(source as varchar)         as source,
    cast(severity as varchar)       as severity,
    cast(description as varchar)    as description,
    cast(unit_name as varchar)      as unit_name,
    cast(address as varchar)        as address,
    cast(lon as double)             as lon,
    cast(lat as double)             as lat,
    cast(department as varchar)     as department,
    cast(leader as varchar)         as leader,
    cast(found_date as date)        as found_date,
    cast(deadline as date)          as deadline,
    cast(rectified_date as date)    as rectified_date,
    cast(closed_date as date)       as closed_date,
    cast(escalation as integer)     as escalation,
    cast(enforcement as varchar)    as enforcement,
    cast(notice_no as integer)      as notice_no,
    cast(source_row as bigint)      as source_row,
    cast(batch_seq as bigint)       as batch_seq
from raw_hazards
