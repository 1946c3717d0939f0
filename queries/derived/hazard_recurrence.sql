-- One row per hazard that recurred: closed, and another hazard of the same unit_name (non-empty) and category
-- (of the same district, in a city's store) was found within 60 days after its closed_date; recurred_on is
-- the first such finding. hazard_flags counts
-- it as recurred as of D when closed_date <= D and recurred_on <= D (the first later finding is the one
-- that decides: any finding in (closed_date, closed_date + 60] and <= D exists iff the first one is <= D).
-- reads: hazard_rows, towns
with placed as (
    -- a unit is a unit of its district: two districts' 某某饭店 are two places (a one-district store has none)
    select h.hazard_id, h.unit_name, h.category, h.found_date, h.closed_date,
           coalesce(t.district_code, '') as district
    from hazard_rows h
    left join towns t on t.town_code = h.town_code
),
finds as (
    -- one row per unit, category and day with findings; any_id tells a hazard apart from itself
    select district, unit_name, category, found_date, count(*) as n, min(hazard_id) as any_id
    from placed
    where coalesce(unit_name, '') <> '' and category is not null and found_date is not null
    group by all
),
closed as (
    select hazard_id, district, unit_name, category, closed_date
    from placed
    where closed_date is not null and coalesce(unit_name, '') <> '' and category is not null
),
nearest as (
    -- the first day after closing on which the same unit and category had a finding
    select c.hazard_id, c.closed_date, f.found_date, f.n, f.any_id
    from closed c
    asof join finds f
      on c.district = f.district and c.unit_name = f.unit_name and c.category = f.category
     and c.closed_date < f.found_date
),
self_first as materialized (
    -- the first finding is the hazard itself only when it was found after it was closed (data the
    -- ingest refuses, but a store may hold it): then the first finding of another hazard decides
    select c.hazard_id, c.district, c.unit_name, c.category, c.closed_date
    from nearest x
    join closed c using (hazard_id)
    where x.n = 1 and x.any_id = x.hazard_id
),
first_other as (
    select s.hazard_id, s.closed_date, min(o.found_date) as found_date
    from self_first s
    join placed o
      on o.district = s.district and o.unit_name = s.unit_name and o.category = s.category and o.hazard_id <> s.hazard_id
     and o.found_date > s.closed_date
    group by s.hazard_id, s.closed_date
)
select hazard_id, found_date as recurred_on
from (
    select hazard_id, closed_date, found_date from nearest where not (n = 1 and any_id = hazard_id)
    union all
    select hazard_id, closed_date, found_date from first_other
)
where found_date <= closed_date + interval 60 day
