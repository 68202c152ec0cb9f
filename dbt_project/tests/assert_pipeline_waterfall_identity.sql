-- The waterfall identity holds exactly, week by week, and the movements add up
-- to the two snapshots they compare.
with

weeks as (
    select * from {{ ref('int_funnel_weeks_spined') }}
),

snapshot_totals as (
    select
        weeks.week_end_date,
        sum(case when s.week_end_date = weeks.week_end_date then s.amount_reporting else 0 end) as open_end,
        sum(case when s.week_end_date = weeks.previous_week_end_date then s.amount_reporting else 0 end) as open_start
    from weeks
    inner join {{ ref('pipeline_weekly_snapshots') }} as s
        on s.week_end_date in (weeks.week_end_date, weeks.previous_week_end_date)
        and s.is_amount_valid
        and s.close_date between weeks.quarter_start_date and weeks.quarter_end_date
    group by weeks.week_end_date
)

select w.*, t.open_start as snapshot_open_start, t.open_end as snapshot_open_end
from {{ ref('pipeline_waterfall') }} as w
left join snapshot_totals as t on t.week_end_date = w.week_end_date
where w.open_end <> w.open_start + w.new_amount + w.pulled_in + w.increased - w.pushed_out - w.decreased - w.won - w.lost
   or w.open_start <> coalesce(t.open_start, 0)
   or w.open_end <> coalesce(t.open_end, 0)
