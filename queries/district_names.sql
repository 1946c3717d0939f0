-- One row per district as currently listed: the code, the name and the aliases it may be named by.
select district_code, district_name, aliases
from districts
order by district_code
