-- One row per grid: the town it lies in (an upload's grid events are in that town's district).
select grid_code, town_code
from grids
order by grid_code
