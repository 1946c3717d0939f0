-- One row: the highest notice_no among hazards found in [$start, $end], the first month and the first ISO week
-- (its Monday) with any hazard (the airing notice's number comes from the ledger when it says, else from
-- months, or weeks, counted since the first).
select
    max(notice_no) filter (where found_date between $start and $end)  as notice_no,
    min(date_trunc('month', found_date))                              as first_month,
    min(date_trunc('week', found_date))                               as first_week
from hazards
