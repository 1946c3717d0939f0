-- One row per way a town may be named in an export (its code, its name or an alias) and the town meant.
select town_code as key, town_code from towns
union
select town_name, town_code from towns
union
select trim(alias), town_code
from towns, unnest(regexp_split_to_array(coalesce(aliases, ''), '[、,;|，；]')) as a(alias)
where trim(alias) <> ''
