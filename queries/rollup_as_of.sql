-- One row: the date ledger_rollup's counts are as of (null when the ledger has no hazards).
select max(as_of) as as_of
from ledger_rollup
