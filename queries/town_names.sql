-- One row per town as currently listed: the code, the name and the aliases it may be named by, and its district
-- (a name may repeat in two districts, never within one).
select town_code, town_name, aliases, district_code
from towns
order by town_code
