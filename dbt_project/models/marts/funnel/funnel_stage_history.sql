-- One row per stage entry of an opportunity as of var('as_of') (consecutive
-- history changes in one stage collapsed; see int_opportunity_stages_sequenced):
-- entered / exited, days in stage, skips and regressions, the stage's SLA from
-- the funnel standard and whether this visit broke it, with the owner's
-- segment / region / manager for slicing. Entries in a stage outside the
-- standard are kept with a null stage_order and is_known_stage = false.
with

entries as (

    select * from {{ ref('int_opportunity_stages_sequenced') }}

),

stages as (

    select stage_name, max_days_in_stage from {{ ref('stg_config__funnel_stages') }}

),

opportunities as (

    select
        opportunity_id, owner_user_id, manager_user_id, segment, region_name, business_unit_name, is_won, is_lost
    from {{ ref('opportunities') }}

),

final as (

    select
        -- ids
        entries.stage_entry_id,
        entries.opportunity_id,
        opportunities.owner_user_id,
        opportunities.manager_user_id,

        -- strings
        entries.stage_name,
        entries.previous_stage_name,
        opportunities.segment,
        opportunities.region_name,
        opportunities.business_unit_name,

        -- numerics
        entries.stage_entry_number,
        entries.stage_order,
        entries.previous_stage_order,
        entries.n_skipped_stages,
        entries.n_changes_in_stage,
        entries.days_in_stage,
        stages.max_days_in_stage,

        -- booleans
        stages.stage_name is not null as is_known_stage,
        entries.is_closed_stage,
        entries.is_won_stage,
        entries.is_lost_stage,
        entries.is_current_stage,
        entries.is_skip,
        entries.is_regression,
        coalesce(entries.days_in_stage > stages.max_days_in_stage, false) as is_over_sla,

        -- dates
        entries.entered_date,
        entries.exited_date,
        {{ as_of_date() }} as as_of_date,

        -- timestamps (UTC)
        entries.entered_at,
        entries.exited_at

    from entries
    left join stages
        on stages.stage_name = entries.stage_name
    left join opportunities
        on opportunities.opportunity_id = entries.opportunity_id

)

select * from final
