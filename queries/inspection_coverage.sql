-- One row per town and inspector type with visits in the period [$start, $end] up to $as_of, and one row
-- (inspector_type null, 0 visits) for a town no inspection visited: visits, points checked, hazards found.
-- Params: $start, $end (the period), $as_of (visits after D are not known yet, as in ledger_metrics).
select
    t.town_code,
    t.town_name,
    i.inspector_type,
    count(i.inspection_id)                       as inspections,
    coalesce(sum(i.points_checked), 0)::bigint   as points_checked,
    coalesce(sum(i.hazards_found), 0)::bigint    as hazards_found_by_inspection,
    max(i.inspection_date)                       as last_inspected
from towns t
left join inspections i
    on i.town_code = t.town_code
   and i.inspection_date between $start and least($end, $as_of)
group by t.town_code, t.town_name, i.inspector_type
order by t.town_code, i.inspector_type
