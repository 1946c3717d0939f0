-- One row: how many (month, town, indicator) values of an upload (registered as new_keys) the board already holds.
select count(*) as n
from new_keys k
where exists (
    select 1 from indicators i
    where i.month = k.month and i.town_code = k.town_code and i.indicator = k.indicator
)
