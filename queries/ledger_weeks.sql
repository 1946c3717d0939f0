-- One row per ISO week (its Monday) in which hazards were found, newest first.
select distinct date_trunc('week', found_date) as week
from hazards
where found_date is not null
order by week desc
