-- The waterfall identity holds exactly, week by week, and the movements add up
-- to the two snapshots they compare.
with

weeks as (
    select * from {{ ref('int_funnel_weeks_spined') }}
),

-- two equi-joins, not one join on "week_end_date in (this week, the week before)":
-- that condition is not a hash join (demo scale 10: 1.75 s, the two joins 0.16 s)
snapshot_amounts as (
    select weeks.week_end_date, s.amount_reporting as open_end, 0 as open_start
    from weeks
    inner join {{ ref('pipeline_weekly_snapshots') }} as s
        on s.week_end_date = weeks.week_end_date
        and s.is_amount_valid
        and s.close_date between weeks.quarter_start_date and weeks.quarter_end_date

    union all

    select weeks.week_end_date, 0 as open_end, s.amount_reporting as open_start
    from weeks
    inner join {{ ref('pipeline_weekly_snapshots') }} as s
        on s.week_end_date = weeks.previous_week_end_date
        and s.is_amount_valid
        and s.close_date between weeks.quarter_start_date and weeks.quarter_end_date
),

snapshot_totals as (
    select week_end_date, sum(open_end) as open_end, sum(open_start) as open_start
    from snapshot_amounts
    group by week_end_date
)

select w.*, t.open_start as snapshot_open_start, t.open_end as snapshot_open_end
from {{ ref('pipeline_waterfall') }} as w
left join snapshot_totals as t on t.week_end_date = w.week_end_date
where w.open_end <> w.open_start + w.new_amount + w.pulled_in + w.increased - w.pushed_out - w.decreased - w.won - w.lost
   or w.open_start <> coalesce(t.open_start, 0)
   or w.open_end <> coalesce(t.open_end, 0)
