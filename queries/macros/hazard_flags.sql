-- One row per hazard found in [start_date, end_date] or on/before as_of_date: every per-hazard fact of
-- DESIGN §3 as of as_of_date (D). The single definition that every metric, list and map reads.
-- reads: hazards, vocabulary
create or replace macro hazard_flags(start_date, end_date, as_of_date) as table
select
    h.*,
    -- the cohort is what was known at D: a hazard found after D did not exist yet on D
    h.found_date between start_date and least(end_date, as_of_date)      as in_cohort,
    h.found_date <= as_of_date                                           as known,
    coalesce(h.rectified_date <= as_of_date, false)                      as is_rectified,
    coalesce(h.closed_date <= as_of_date, false)                         as is_closed,
    coalesce(h.deadline <= as_of_date, false)                            as is_due,
    coalesce(h.deadline <= as_of_date and h.rectified_date <= h.deadline
             and h.rectified_date <= as_of_date, false)                  as is_on_time,
    not coalesce(h.rectified_date <= as_of_date, false)
        and coalesce(h.deadline < as_of_date, false)                     as is_overdue,
    case when not coalesce(h.rectified_date <= as_of_date, false) and h.deadline < as_of_date
         then date_diff('day', h.deadline, cast(as_of_date as date)) end as overdue_days,
    h.notice_no is not null                                              as is_aired,
    coalesce(h.closed_date <= as_of_date, false)
        and coalesce(h.unit_name, '') <> ''
        -- same unit and category found again within 60 days of closing and by D (derived/hazard_recurrence)
        and coalesce(h.recurred_on <= as_of_date, false)                 as is_recurred,
    case
        -- the status names of board/vocab.py, in their order: closed, rectified, overdue, open
        when coalesce(h.closed_date <= as_of_date, false) then v.statuses[1]
        when coalesce(h.rectified_date <= as_of_date, false) then v.statuses[2]
        when coalesce(h.deadline < as_of_date, false) then v.statuses[3]
        else v.statuses[4]
    end                                                                  as status
from hazards h
cross join vocabulary v
where h.found_date between start_date and end_date or h.found_date <= as_of_date
