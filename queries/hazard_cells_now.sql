-- hazard_cells for a period of whole months [$start, $end] as of the ledger's own now, unfiltered, at maps.CELL
-- degrees, summed from derived/map_cells_rollup: the same cells and counts (positions are the means of the same
-- coordinates to a millionth of a degree).
select
    status,
    cell_x,
    cell_y,
    sum(lon_micro) / sum(hazards) / 1e6 as lon,
    sum(lat_micro) / sum(hazards) / 1e6 as lat,
    cast(sum(hazards) as bigint)        as hazards,
    cast(sum(major) as bigint)          as major
from map_cells_rollup
where found_month between $start and $end
group by status, cell_x, cell_y
order by cell_x, cell_y, status
