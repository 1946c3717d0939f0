-- One row: the grid events' own now, the latest reported or closed date (deadlines do not count).
select max(greatest(reported_date, coalesce(closed_date, reported_date))) as as_of from grid_events
