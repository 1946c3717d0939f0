-- One row per district (县市区) a city's store lists, with the number of towns listed in it; none in a
-- one-district store.
-- reads: districts, towns
select d.district_code, d.district_name, d.population, d.aliases,
       (select count(*) from towns t where t.district_code = d.district_code) as towns
from districts d
order by d.district_code
