-- One row per town and indicator, plus one district row per indicator (is_district): the indicator's total,
-- monthly mean and months reported in the period [$start, $end] and in the same period a year earlier
-- [$last_start, $last_end]. Sums run in month and town order: in whatever order parallel threads add them, a
-- float sum moved the index in its 14th digit from one run to the next.
select
    grouping(town_code) = 1                                              as is_district,
    town_code,
    indicator,
    sum(value order by month, town_code) filter (where month between $start and $end)   as total,
    avg(value order by month, town_code) filter (where month between $start and $end)   as mean,
    count(distinct month) filter (where month between $start and $end) as months,
    sum(value order by month, town_code) filter (where month between $last_start and $last_end) as last_total,
    avg(value order by month, town_code) filter (where month between $last_start and $last_end) as last_mean,
    count(distinct month) filter (where month between $last_start and $last_end) as last_months
from indicators
where month between $start and $end or month between $last_start and $last_end
group by grouping sets ((town_code, indicator), (indicator))
order by is_district desc, town_code, indicator
