-- One row per way a town may be named in an export (its code, its name or an alias) and the town meant.
-- Ordered so that a key read first wins the same way every run: a code before a name before an alias,
-- then by code (a towns upload that would make a key name two towns is refused; this order only
-- settles stores written before that rule).
select key, town_code
from (
    select town_code as key, town_code, 0 as kind from towns
    union
    select town_name, town_code, 1 from towns
    union
    select trim(alias), town_code, 2
    from towns, unnest(regexp_split_to_array(coalesce(aliases, ''), '[、,;|，；]')) as a(alias)
    where trim(alias) <> ''
)
order by kind, town_code, key
