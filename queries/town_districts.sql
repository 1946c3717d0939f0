-- One row per town: its name and the district (县市区) it is listed in, with that district's name; both null in
-- a one-district store or for a town listed before the store had districts.
select t.town_code, t.town_name, t.district_code, d.district_name
from towns t
left join districts d using (district_code)
order by t.town_code
