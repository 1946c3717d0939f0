-- One row: the ledger's own "now", the latest found, rectified or closed date (deadlines do not count).
select max(greatest(found_date, rectified_date, closed_date)) as as_of
from hazard_rows
