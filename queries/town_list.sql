-- One row per town as listed: code, name, type, population and centre.
select town_code, town_name, town_type, population, lon, lat
from towns
order by town_code
