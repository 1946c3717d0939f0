-- One row per grid (level 'grid'), per town ('town') and one for the district ('district'): the grid metrics
-- of the events reported in the period [$start, $end] and known at $as_of (D). Every listed grid and town has
-- its row, with no events too; a town is its grids' current town.
with cohort as (
    select * from grid_flags($start, $end, $as_of)
),
counted as (
    select
        case when grouping(town_code) = 1 then 'district'
             when grouping(grid_code) = 1 then 'town' else 'grid' end as level,
        town_code,
        grid_code,
        count(*)                                                      as events,
        count(*) filter (where is_valid)                              as valid_events,
        count(*) filter (where is_closed)                             as closed,
        count(*) filter (where is_due)                                as due,
        count(*) filter (where is_on_time)                            as on_time,
        count(*) filter (where is_overdue)                            as overdue
    from cohort
    group by grouping sets ((town_code, grid_code), (town_code), ())
),
places as (
    select 'grid' as level, g.town_code, g.grid_code, g.grid_name, g.worker, g.households, g.population
    from grids g
    union all
    -- per 1,000 households only when every grid of the town lists its households
    select 'town', t.town_code, null, null, null,
           case when count(g.grid_code) > 0 and count(g.households) = count(g.grid_code)
                then sum(g.households) end,
           case when count(g.grid_code) > 0 and count(g.population) = count(g.grid_code)
                then sum(g.population) end
    from towns t left join grids g on g.town_code = t.town_code
    group by t.town_code
    union all
    select 'district', null, null, null, null,
           case when count(*) > 0 and count(households) = count(*) then sum(households) end,
           case when count(*) > 0 and count(population) = count(*) then sum(population) end
    from grids
),
joined as (
    select p.*, c.events, c.valid_events, c.closed, c.due, c.on_time, c.overdue
    from places p
    left join counted c
      on c.level = p.level and c.town_code is not distinct from p.town_code
     and c.grid_code is not distinct from p.grid_code
)
select
    j.level,
    j.town_code,
    t.town_name,
    j.grid_code,
    j.grid_name,
    j.worker,
    j.households,
    j.population,
    coalesce(j.events, 0)                                             as events,
    coalesce(j.valid_events, 0)                                       as valid_events,
    j.valid_events / nullif(j.events, 0)                              as valid_rate,
    coalesce(j.closed, 0)                                             as closed,
    j.closed / nullif(j.events, 0)                                    as closure_rate,
    coalesce(j.due, 0)                                                as due,
    coalesce(j.on_time, 0)                                            as on_time,
    j.on_time / nullif(j.due, 0)                                      as on_time_rate,
    coalesce(j.overdue, 0)                                            as overdue,
    coalesce(j.events, 0) * 1000.0 / nullif(j.households, 0)          as events_per_1k_households
from joined j
left join towns t on t.town_code = j.town_code
order by case j.level when 'district' then 0 when 'town' then 1 else 2 end, j.town_code, j.grid_code
