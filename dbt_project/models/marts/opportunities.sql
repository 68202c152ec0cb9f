-- One row per opportunity as of var('as_of') (see int_opportunities_as_of for
-- what "as of" means), with its owner's hierarchy valid on the created date
-- (or, when the current owner joined later, on their first day: hierarchy_date).
with

opportunities as (

    select * from {{ ref('int_opportunities_as_of') }}

),

accounts as (

    select account_id, account_name, segment, industry, billing_country, billing_state
    from {{ ref('stg_crm__accounts') }}

),

users as (

    select user_id, user_name from {{ ref('stg_crm__users') }}

),

-- the owner's assignment valid on the created date (see macros/hierarchy.sql for the fallback
-- when the current owner joined after the opportunity was created)
reps as (

    select *
    from (
        select
            opportunities.opportunity_id,
            assigned.*,
            row_number() over (
                partition by opportunities.opportunity_id
                order by {{ hierarchy_preference('opportunities.created_date', 'assigned') }}
            ) as preference
        from opportunities
        inner join {{ ref('int_reps_assigned') }} as assigned
            on assigned.user_id = opportunities.owner_user_id
    ) as ranked
    where preference = 1

),

final as (

    select
        -- ids
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.owner_user_id,
        reps.manager_user_id,
        reps.team_id,
        reps.region_id,
        reps.business_unit_id,

        -- strings
        opportunities.opportunity_name,
        accounts.account_name,
        accounts.segment,
        accounts.industry,
        accounts.billing_country,
        accounts.billing_state,
        users.user_name as owner_name,
        reps.manager_name,
        reps.team_name,
        reps.region_name,
        reps.business_unit_name,
        opportunities.opportunity_type,
        opportunities.lead_source,
        opportunities.stage_name,
        opportunities.first_stage_name,
        opportunities.forecast_category,

        -- numerics
        opportunities.stage_order,
        opportunities.probability,
        opportunities.currency,
        opportunities.amount,
        '{{ var("reporting_currency") }}' as reporting_currency,
        opportunities.fx_rate_to_reporting,
        opportunities.amount_reporting,
        opportunities.weighted_amount_reporting,
        opportunities.n_stage_changes,
        opportunities.n_skips,
        opportunities.n_skipped_stages,
        opportunities.n_regressions,
        opportunities.days_open,
        opportunities.cycle_days,
        opportunities.days_in_current_stage,

        -- booleans
        not opportunities.is_closed as is_open,
        opportunities.is_won,
        opportunities.is_lost,
        users.user_id is not null as is_owner_known,

        -- dates
        opportunities.created_date,
        case
            when reps.user_id is not null
                then greatest(least(opportunities.created_date, reps.valid_to_date), reps.valid_from_date)
        end as hierarchy_date,
        opportunities.close_date,
        opportunities.closed_date,
        {{ as_of_date() }} as as_of_date,

        -- timestamps (UTC)
        opportunities.created_at,
        opportunities.current_stage_entered_at,
        opportunities.last_changed_at

    from opportunities
    left join accounts
        on accounts.account_id = opportunities.account_id
    left join users
        on users.user_id = opportunities.owner_user_id
    left join reps
        on reps.opportunity_id = opportunities.opportunity_id

)

select * from final
