-- One row per month in which hazards were found, newest first.
select distinct date_trunc('month', found_date) as month
from hazards
where found_date is not null
order by month desc
