-- One row per hazard (current/hazard_rows) with the day it recurred, if it did (derived/hazard_recurrence):
-- kept on the row, so that hazard_flags tests it without a join on every query (that join was most of the
-- time of a year's ledger at 10M hazards).
-- reads: hazard_rows, hazard_recurrence
select h.*, r.recurred_on
from hazard_rows h
left join hazard_recurrence r on r.hazard_id = h.hazard_id
