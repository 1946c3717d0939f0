-- One row per day and town on which the open backlog changed: how many hazards entered and left each count
-- of queries/backlog_days.sql that day. A count as of any day X is then the sum of (in − out) over the rows
-- with day <= X, which reads these few thousand rows instead of the whole ledger once per month end.
--   open on X               ⇔ found <= X and not rectified by X
--   overdue on X            ⇔ open on X and deadline < X, i.e. deadline + 1 <= X
--   rectified, not closed   ⇔ found <= X and rectified by X and not closed by X
-- Each is "the first day <= X" minus "the day it stops <= X", both taken with greatest(), so a hazard
-- rectified before it was found (data the ingest refuses, but a store may hold) counts as backlog_days
-- counted it from the hazards.
-- reads: hazards
with events as (
    select found_date as day, town_code, 1 as open_in, 0 as open_out, 0 as overdue_in, 0 as overdue_out,
           0 as rnc_in, 0 as rnc_out
    from hazards where found_date is not null
    union all
    select greatest(found_date, rectified_date), town_code, 0, 1, 0, 0, 1, 0
    from hazards where found_date is not null and rectified_date is not null
    union all
    select greatest(found_date, cast(deadline + interval 1 day as date)), town_code, 0, 0, 1, 0, 0, 0
    from hazards where found_date is not null and deadline is not null
    union all
    select greatest(found_date, cast(deadline + interval 1 day as date), rectified_date), town_code, 0, 0, 0, 1, 0, 0
    from hazards where found_date is not null and deadline is not null and rectified_date is not null
    union all
    select greatest(found_date, rectified_date, closed_date), town_code, 0, 0, 0, 0, 0, 1
    from hazards where found_date is not null and rectified_date is not null and closed_date is not null
)
select day, town_code,
       cast(sum(open_in) as bigint) as open_in, cast(sum(open_out) as bigint) as open_out,
       cast(sum(overdue_in) as bigint) as overdue_in, cast(sum(overdue_out) as bigint) as overdue_out,
       cast(sum(rnc_in) as bigint) as rnc_in, cast(sum(rnc_out) as bigint) as rnc_out
from events
group by day, town_code
