-- One row per opportunity OPEN on var('as_of') (in a stage of the funnel
-- standard): the aging / stalled-deal and stage-standard compliance list, per
-- owner and manager (the owner's manager valid on the created date, as in
-- `opportunities`).
--   is_stalled        days in the current stage > the stage's max_days_in_stage (SLA)
--   is_past_close     close_date before the as-of date while still open
--   missing_exit_fields  fields required (config funnel_required_fields) to exit a
--                     stage the deal has already left or jumped over, that are empty;
--                     is_compliant = none missing
with

opportunities as (

    select * from {{ ref('opportunities') }}
    where is_open and stage_order is not null

),

stages as (

    select stage_name, max_days_in_stage, talk_track, skill_focus from {{ ref('stg_config__funnel_stages') }}

),

missing as (

    select
        opportunity_id,
        cast(count(*) as integer) as n_missing_exit_fields,
        {{ dbt.listagg("exited_stage_name || '.' || field_name", "', '", "order by exited_stage_name, field_name") }}
            as missing_exit_fields
    from {{ ref('int_opportunity_exit_fields_checked') }}
    where not is_filled
    group by opportunity_id

),

flags as (

    select opportunity_id, is_excluded_from_amounts
    from {{ ref('int_opportunities_quality_flagged') }}

),

final as (

    select
        -- ids
        opportunities.opportunity_id,
        opportunities.owner_user_id,
        opportunities.manager_user_id,
        opportunities.account_id,

        -- strings
        opportunities.opportunity_name,
        opportunities.owner_name,
        opportunities.manager_name,
        opportunities.team_name,
        opportunities.region_name,
        opportunities.segment,
        opportunities.stage_name,
        opportunities.forecast_category,
        missing.missing_exit_fields,
        stages.talk_track,
        stages.skill_focus,

        -- numerics
        opportunities.stage_order,
        opportunities.probability,
        opportunities.reporting_currency,
        case when not flags.is_excluded_from_amounts then opportunities.amount_reporting end as amount_reporting,
        opportunities.days_open,
        opportunities.days_in_current_stage,
        stages.max_days_in_stage,
        cast(case
            when opportunities.days_in_current_stage > stages.max_days_in_stage
                then opportunities.days_in_current_stage - stages.max_days_in_stage
            else 0
        end as integer) as days_over_sla,
        cast(coalesce(missing.n_missing_exit_fields, 0) as integer) as n_missing_exit_fields,

        -- booleans
        coalesce(opportunities.days_in_current_stage > stages.max_days_in_stage, false) as is_stalled,
        coalesce(opportunities.close_date < {{ as_of_date() }}, false) as is_past_close,
        missing.opportunity_id is null as is_compliant,
        flags.is_excluded_from_amounts,

        -- dates
        opportunities.created_date,
        opportunities.close_date,
        {{ as_of_date() }} as as_of_date

    from opportunities
    inner join stages
        on stages.stage_name = opportunities.stage_name
    left join missing
        on missing.opportunity_id = opportunities.opportunity_id
    left join flags
        on flags.opportunity_id = opportunities.opportunity_id

)

select * from final
