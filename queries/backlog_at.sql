-- One row: the open backlog as of $as_of: hazards found by then and not yet rectified (of which overdue),
-- and those rectified but not yet closed.
select
    count(*) filter (where known and not is_rectified)                  as open,
    count(*) filter (where known and is_overdue)                        as overdue,
    count(*) filter (where known and is_rectified and not is_closed)    as rectified_not_closed
from hazard_flags($as_of, $as_of, $as_of)
