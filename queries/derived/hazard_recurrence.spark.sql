-- One row per hazard that recurred, as hazard_recurrence.sql says; Spark's variant: Spark has no ASOF JOIN, so
-- each closing's first later finding day comes from a window over its unit and category's days, latest first
-- (the frame "every row before" of a descending day is every later day, and it grows row by row, so it runs in
-- one pass). The rest is the DuckDB file's, line for line.
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
    group by district, unit_name, category, found_date
),
closed as (
    select hazard_id, district, unit_name, category, closed_date
    from placed
    where closed_date is not null and coalesce(unit_name, '') <> '' and category is not null
),
days as (
    -- findings and closings of a unit and category on one line, by day number; for a closing, the smallest
    -- finding day among the rows strictly later (day_no >= its own + 1) is the first finding after it
    select hazard_id,
           min(find_day) over (partition by district, unit_name, category order by -day_no
                               range between unbounded preceding and 1 preceding) as next_find_day
    from (
        select cast(null as string) as hazard_id, district, unit_name, category, found_date as find_day,
               datediff(found_date, date '1970-01-01') as day_no
        from finds
        union all
        select hazard_id, district, unit_name, category, cast(null as date) as find_day,
               datediff(closed_date, date '1970-01-01') as day_no
        from closed
    ) as line
),
nearest as (
    -- the first day after closing on which the same unit and category had a finding
    select c.hazard_id, c.closed_date, f.found_date, f.n, f.any_id
    from days d
    join closed c on c.hazard_id = d.hazard_id
    join finds f
      on f.district = c.district and f.unit_name = c.unit_name and f.category = c.category
     and f.found_date = d.next_find_day
    where d.hazard_id is not null
),
self_first as (
    -- the first finding is the hazard itself only when it was found after it was closed (data the
    -- ingest refuses, but a store may hold it): then the first finding of another hazard decides
    select c.hazard_id, c.district, c.unit_name, c.category, c.closed_date
    from nearest x
    join closed c on c.hazard_id = x.hazard_id
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
) as firsts
where found_date <= date_add(closed_date, 60)
