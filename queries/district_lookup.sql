-- One row per way a district (县市区) may be named in an upload (its code, its name or an alias) and the district
-- meant. Ordered as town_lookup is: a code before a name before an alias, then by code, so the first reading of
-- a key wins the same way every run. A one-district store lists none.
select key, district_code
from (
    select district_code as key, district_code, 0 as kind from districts
    union
    select district_name, district_code, 1 from districts
    union
    select trim(alias), district_code, 2
    from districts, unnest(regexp_split_to_array(coalesce(aliases, ''), '[、,;|，；]')) as a(alias)
    where trim(alias) <> ''
)
order by kind, district_code, key
