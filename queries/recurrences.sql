-- One row per closed hazard found in the period [$start, $end] that recurred as of $as_of (the same unit and
-- category found again within 60 days of closing, hazard_flags.is_recurred).
select
    f.hazard_id,
    f.town_code,
    t.town_name,
    f.unit_name,
    f.category,
    f.found_date,
    f.closed_date
from hazard_flags($start, $end, $as_of) f
left join towns t using (town_code)
where f.in_cohort and f.is_recurred
order by f.closed_date, f.hazard_id
