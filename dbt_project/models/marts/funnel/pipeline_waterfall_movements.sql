-- One row per week x opportunity in the period's open pipeline at the previous
-- or at this week end: how it moved between the two weekly snapshots.
-- The period of a week is the fiscal quarter its Sunday falls in; "open in
-- period" = open at the snapshot, is_amount_valid, close_date in that quarter.
-- Both snapshots are measured against THIS week's quarter, so in a quarter's
-- first week open_start is last Sunday's pipeline closing in the new quarter.
--   movement     amount_start       amount_end   rule
--   new          0                  end          in period at the end; not open at the previous snapshot
--                                                (created, reopened, or amount became valid)
--   pulled_in    0                  end          in period at the end; open at the previous snapshot with a
--                                                close date outside the period
--   increased    start              end > start  in period at both
--   decreased    start              end < start  in period at both
--   unchanged    start              end = start  in period at both
--   won          start              0            in period at the start; Closed Won at the end
--   lost         start              0            in period at the start; Closed Lost at the end
--   pushed_out   start              0            in period at the start; at the end still open with a close
--                                                date outside the period, or left the pipeline otherwise
--                                                (deleted, amount became invalid, stage outside the standard)
-- so per week: open_end = open_start + new + pulled_in + increased - pushed_out - decreased - won - lost.
with

weeks as (

    select * from {{ ref('int_funnel_weeks_spined') }}

),

snapshots as (

    select week_end_date, opportunity_id, owner_user_id, close_date, amount_reporting, is_amount_valid
    from {{ ref('pipeline_weekly_snapshots') }}
    where week_end_date <= {{ as_of_date() }}

),

-- every snapshot at a week end, and in the period of that week
end_side as (

    select
        weeks.week_end_date,
        snapshots.opportunity_id,
        snapshots.owner_user_id,
        snapshots.amount_reporting,
        snapshots.is_amount_valid
            and snapshots.close_date between weeks.quarter_start_date and weeks.quarter_end_date as is_in_period
    from weeks
    inner join snapshots
        on snapshots.week_end_date = weeks.week_end_date

),

-- every snapshot at the previous week end, measured against THIS week's period
start_side as (

    select
        weeks.week_end_date,
        snapshots.opportunity_id,
        snapshots.owner_user_id,
        snapshots.amount_reporting,
        snapshots.is_amount_valid,
        snapshots.is_amount_valid
            and snapshots.close_date between weeks.quarter_start_date and weeks.quarter_end_date as is_in_period
    from weeks
    inner join snapshots
        on snapshots.week_end_date = weeks.previous_week_end_date

),

-- One join pairs an opportunity's two snapshots of a week; it also says whether the
-- deal was open at the previous snapshot (valid amount, any close date: pulled_in vs new)
-- and is still open at this one (any close date: pushed_out). Keeps the rows in the
-- period at either snapshot. (Was three joins to the snapshots: 3x the time at scale 10.)
joined as (

    select
        coalesce(e.week_end_date, s.week_end_date) as week_end_date,
        coalesce(e.opportunity_id, s.opportunity_id) as opportunity_id,
        coalesce(
            case when e.is_in_period then e.owner_user_id end,
            case when s.is_in_period then s.owner_user_id end
        ) as owner_user_id,
        coalesce(s.is_in_period, false) as is_in_start,
        coalesce(e.is_in_period, false) as is_in_end,
        coalesce(s.is_amount_valid, false) as was_open,
        e.opportunity_id is not null as is_still_open,
        coalesce(case when s.is_in_period then s.amount_reporting end, 0) as amount_start,
        coalesce(case when e.is_in_period then e.amount_reporting end, 0) as amount_end
    from end_side as e
    full outer join start_side as s
        on s.week_end_date = e.week_end_date
        and s.opportunity_id = e.opportunity_id
    where e.is_in_period or s.is_in_period

),

-- the stage an opportunity was in at a week end (as known on the as-of date), for the
-- rows that left the period and the pipeline: won, lost or otherwise pushed out
stage_at_end as (

    select joined.week_end_date, joined.opportunity_id, entries.is_won_stage, entries.is_lost_stage
    from joined
    inner join {{ ref('int_opportunity_stages_sequenced') }} as entries
        on entries.opportunity_id = joined.opportunity_id
        and entries.entered_date <= joined.week_end_date
        and (entries.exited_date is null or entries.exited_date > joined.week_end_date)
    where joined.is_in_start
        and not joined.is_in_end
        and not joined.is_still_open

),

classified as (

    select
        joined.*,
        case
            when joined.is_in_start and joined.is_in_end then
                case
                    when joined.amount_end > joined.amount_start then 'increased'
                    when joined.amount_end < joined.amount_start then 'decreased'
                    else 'unchanged'
                end
            when joined.is_in_end then
                case when joined.was_open then 'pulled_in' else 'new' end
            when joined.is_still_open then 'pushed_out'
            when stage_at_end.is_won_stage then 'won'
            when stage_at_end.is_lost_stage then 'lost'
            else 'pushed_out'
        end as movement
    from joined
    left join stage_at_end
        on stage_at_end.week_end_date = joined.week_end_date
        and stage_at_end.opportunity_id = joined.opportunity_id

),

final as (

    select
        opportunity_id || '-' || cast(week_end_date as {{ dbt.type_string() }}) as movement_id,
        week_end_date,
        opportunity_id,
        owner_user_id,
        movement,
        is_in_start,
        is_in_end,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {{ to_money('amount_start') }} as amount_start,
        {{ to_money('amount_end') }} as amount_end,
        {{ to_money('amount_end - amount_start') }} as amount_change
    from classified
    -- the first week has no previous snapshot
    where week_end_date > (select min(week_end_date) from weeks)

)

select * from final
