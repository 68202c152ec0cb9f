-- One row per opportunity of int_opportunities_as_of with the bad-input flags
-- the funnel marts act on (each also a data_quality_findings row):
--   has_unknown_stage        a history row as of the as-of date names a stage outside the
--                            funnel standard (those entries are left out of stage metrics;
--                            an opportunity whose CURRENT stage is unknown is left out of
--                            pipeline, forecast and coverage amounts)
--   is_history_out_of_order  a history change before the opportunity was created, or two stage
--                            changes at the same instant (kept, ordered by history id; flagged)
--   is_amount_missing / is_amount_negative   as-of amount null / < 0: left out of every amount
--                            metric (pipeline, waterfall, forecast, coverage, win rate by amount)
--   is_close_before_created  close_date earlier than the created date: left out of cycle length
--                            and velocity
--   is_excluded_from_amounts / is_excluded_from_cycle: the resulting exclusions
with

opportunities as (

    select * from {{ ref('int_opportunities_as_of') }}

),

changes as (

    select * from {{ ref('int_opportunity_changes_ordered') }}

),

stages as (

    select stage_name from {{ ref('stg_config__funnel_stages') }}

),

unknown_stage as (

    select distinct changes.opportunity_id
    from changes
    left join stages on stages.stage_name = changes.stage_name
    where stages.stage_name is null

),

out_of_order as (

    select distinct changes.opportunity_id
    from changes
    inner join opportunities on opportunities.opportunity_id = changes.opportunity_id
    where changes.changed_at < opportunities.created_at

    union

    select distinct opportunity_id
    from {{ ref('int_opportunity_stages_sequenced') }}
    where exited_at = entered_at

),

final as (

    select
        opportunities.opportunity_id,
        unknown_stage.opportunity_id is not null as has_unknown_stage,
        opportunities.stage_order is null as is_current_stage_unknown,
        out_of_order.opportunity_id is not null as is_history_out_of_order,
        opportunities.amount is null as is_amount_missing,
        coalesce(opportunities.amount < 0, false) as is_amount_negative,
        coalesce(opportunities.close_date < opportunities.created_date, false) as is_close_before_created,
        (opportunities.amount is null or opportunities.amount < 0 or opportunities.amount_reporting is null
            or opportunities.stage_order is null) as is_excluded_from_amounts,
        coalesce(opportunities.close_date < opportunities.created_date, false)
            or coalesce(opportunities.closed_date < opportunities.created_date, false) as is_excluded_from_cycle
    from opportunities
    left join unknown_stage on unknown_stage.opportunity_id = opportunities.opportunity_id
    left join (select distinct opportunity_id from out_of_order) as out_of_order
        on out_of_order.opportunity_id = opportunities.opportunity_id

)

select * from final
