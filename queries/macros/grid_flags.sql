-- One row per grid event reported in [start_date, end_date] and known at as_of_date (D): every per-event fact
-- of the grid metrics as of D, with the grid's current town (a later grids upload that moves a grid moves its
-- events with it). The single definition that the grid metrics and lists read.
-- reads: grid_events, grids
create or replace macro grid_flags(start_date, end_date, as_of_date) as table
select
    e.*,
    g.town_code,
    -- 是否有效 left empty (not yet judged) is not a valid event
    coalesce(e.valid, false)                                             as is_valid,
    coalesce(e.closed_date <= as_of_date, false)                         as is_closed,
    coalesce(e.deadline <= as_of_date, false)                            as is_due,
    coalesce(e.deadline <= as_of_date and e.closed_date <= e.deadline
             and e.closed_date <= as_of_date, false)                     as is_on_time,
    not coalesce(e.closed_date <= as_of_date, false)
        and coalesce(e.deadline < as_of_date, false)                     as is_overdue
from grid_events e
left join grids g on g.grid_code = e.grid_code
-- the cohort is what was known at D: an event reported after D did not exist yet on D
where e.reported_date between start_date and least(end_date, as_of_date)
