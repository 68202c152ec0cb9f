-- The waterfall identity holds exactly, week by week, and the movements add up
-- to the two snapshots they compare.
with

weeks as (
    select * from {{ ref('int_funnel_weeks_spined') }}
),

-- each week's snapshot at its end and at its start (the week before): one equi-join on the
-- snapshot week, not a join on "week_end_date in (this week, the week before)", which is no
-- hash join (demo scale 10: 1.75 s; this way 0.16 s)
week_sides as (
    select week_end_date, week_end_date as snapshot_week_end_date, 'end' as side,
           quarter_start_date, quarter_end_date
    from weeks

    union all

    select week_end_date, previous_week_end_date, 'start',
           quarter_start_date, quarter_end_date
    from weeks
),

snapshot_totals as (
    select
        week_sides.week_end_date,
        sum(case when week_sides.side = 'end' then s.amount_reporting else 0 end) as open_end,
        sum(case when week_sides.side = 'start' then s.amount_reporting else 0 end) as open_start
    from week_sides
    inner join {{ ref('pipeline_weekly_snapshots') }} as s
        on s.week_end_date = week_sides.snapshot_week_end_date
        and s.is_amount_valid
        and s.close_date between week_sides.quarter_start_date and week_sides.quarter_end_date
    group by week_sides.week_end_date
)

select w.*, t.open_start as snapshot_open_start, t.open_end as snapshot_open_end
from {{ ref('pipeline_waterfall') }} as w
left join snapshot_totals as t on t.week_end_date = w.week_end_date
where w.open_end <> w.open_start + w.new_amount + w.pulled_in + w.increased - w.pushed_out - w.decreased - w.won - w.lost
   or w.open_start <> coalesce(t.open_start, 0)
   or w.open_end <> coalesce(t.open_end, 0)
