-- One row per hazard found in [start_date, end_date] or on/before as_of_date: every per-hazard fact of
-- DESIGN §3 as of as_of_date (D), as hazard_flags.sql says. Spark's variant: a view, not a table macro, whose
-- arguments are the one row of ledger_now (the only ones the built tables use); lists are 1-based through
-- element_at.
-- reads: hazards, vocabulary, ledger_now
select
    h.*,
    h.found_date between a.start_date and least(a.end_date, a.as_of_date)  as in_cohort,
    h.found_date <= a.as_of_date                                           as known,
    coalesce(h.rectified_date <= a.as_of_date, false)                      as is_rectified,
    coalesce(h.closed_date <= a.as_of_date, false)                         as is_closed,
    coalesce(h.deadline <= a.as_of_date, false)                            as is_due,
    coalesce(h.deadline <= a.as_of_date and h.rectified_date <= h.deadline
             and h.rectified_date <= a.as_of_date, false)                  as is_on_time,
    not coalesce(h.rectified_date <= a.as_of_date, false)
        and coalesce(h.deadline < a.as_of_date, false)                     as is_overdue,
    case when not coalesce(h.rectified_date <= a.as_of_date, false) and h.deadline < a.as_of_date
         then cast(datediff(a.as_of_date, h.deadline) as bigint) end       as overdue_days,
    h.notice_no is not null                                                as is_aired,
    coalesce(h.closed_date <= a.as_of_date, false)
        and coalesce(h.unit_name, '') <> ''
        -- same unit and category found again within 60 days of closing and by D (derived/hazard_recurrence)
        and coalesce(h.recurred_on <= a.as_of_date, false)                as is_recurred,
    case
        -- the status names of board/vocab.py, in their order: closed, rectified, overdue, open
        when coalesce(h.closed_date <= a.as_of_date, false) then element_at(v.statuses, 1)
        when coalesce(h.rectified_date <= a.as_of_date, false) then element_at(v.statuses, 2)
        when coalesce(h.deadline < a.as_of_date, false) then element_at(v.statuses, 3)
        else element_at(v.statuses, 4)
    end                                                                    as status
from hazards h
cross join ledger_now a
cross join vocabulary v
where h.found_date between a.start_date and a.end_date or h.found_date <= a.as_of_date
