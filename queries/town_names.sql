-- One row per town as currently listed: the code, the name and the aliases it may be named by.
select town_code, town_name, aliases
from towns
order by town_code
