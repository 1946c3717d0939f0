-- One row per town, severity and age bucket (board/vocab.py: 1–7, 8–30, 31–90, >90 days past the deadline): the hazards
-- overdue as of $as_of, whatever the period they were found in.
select
    f.town_code,
    t.town_name,
    coalesce(f.severity, v.ungraded) as severity,
    -- the buckets of board/vocab.py: the first whose last day is not before overdue_days, else the open one
    v.age_bucket_names[
        coalesce(list_position(list_transform(v.age_bucket_days, lambda d: f.overdue_days <= d), true),
                 len(v.age_bucket_names))
    ]                            as bucket,
    count(*)                     as hazards
from hazard_flags($as_of, $as_of, $as_of) f
left join towns t using (town_code)
cross join vocabulary v
where f.known and f.is_overdue
group by all
order by f.town_code, severity, min(f.overdue_days)
