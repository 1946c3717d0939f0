-- One row: the highest notice_no among hazards found in [$start, $end] and the first month with any hazard
-- (the airing notice's number comes from the ledger when it says, else from months counted since the first).
select
    max(notice_no) filter (where found_date between $start and $end)  as notice_no,
    min(date_trunc('month', found_date))                              as first_month
from hazards
