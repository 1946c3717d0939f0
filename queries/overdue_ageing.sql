-- One row per town, severity and age bucket (1–7, 8–30, 31–90, >90 days past the deadline): the hazards
-- overdue as of $as_of, whatever the period they were found in.
select
    f.town_code,
    t.town_name,
    coalesce(f.severity, '未分级') as severity,
    case
        when f.overdue_days <= 7 then '1–7天'
        when f.overdue_days <= 30 then '8–30天'
        when f.overdue_days <= 90 then '31–90天'
        else '90天以上'
    end                          as bucket,
    count(*)                     as hazards
from hazard_flags($as_of, $as_of, $as_of) f
left join towns t using (town_code)
where f.known and f.is_overdue
group by all
order by f.town_code, severity, min(f.overdue_days)
