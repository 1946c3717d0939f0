-- hazard_tally for a period of whole months [$start, $end] as of the ledger's own now, summed from
-- derived/map_tally_rollup: the same rows in the same order (tests hold the two equal).
select town_code, status, severity, category, source, cast(sum(hazards) as bigint) as hazards
from map_tally_rollup
where found_month between $start and $end
group by all
order by all
