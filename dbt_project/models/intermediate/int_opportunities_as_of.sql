-- One row per opportunity that existed on var('as_of') and has at least one
-- history change by then: its state (stage, amount, probability, forecast
-- category, close date) from the LATEST history change on or before the
-- as-of date -- never from the current CRM row, so a past night rebuilds
-- identically. Descriptive attributes that the CRM does not historise (name,
-- account, owner, currency, type, lead source) come from the current row.
-- Opportunities without any history by the as-of date are left out and
-- reported in data_quality_findings.
-- Amounts are converted to var('reporting_currency') at the monthly average
-- rate of the close-date month, capped at the as-of month (later months have
-- no average rate yet); one rate per opportunity keeps every mart additive.
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

latest as (

    select *
    from {{ ref('int_opportunity_changes_ordered') }}
    where change_number = n_changes

),

entries as (

    select * from {{ ref('int_opportunity_stages_sequenced') }}

),

stages as (

    select * from {{ ref('stg_config__funnel_stages') }}

),

fx as (

    select currency, rate_month, rate_to_reporting
    from {{ ref('int_fx_rates_filled') }}

),

stage_facts as (

    select
        opportunity_id,
        cast(count(*) - 1 as integer) as n_stage_changes,
        cast(sum(case when is_skip then 1 else 0 end) as integer) as n_skips,
        cast(sum(n_skipped_stages) as integer) as n_skipped_stages,
        cast(sum(case when is_regression then 1 else 0 end) as integer) as n_regressions,
        max(case when stage_entry_number = 1 then stage_name end) as first_stage_name,
        max(case when is_current_stage then entered_at end) as current_stage_entered_at,
        max(case when is_current_stage then days_in_stage end) as days_in_current_stage
    from entries
    group by opportunity_id

),

joined as (

    select
        opportunities.opportunity_id,
        opportunities.opportunity_name,
        opportunities.account_id,
        opportunities.owner_user_id,
        opportunities.opportunity_type,
        opportunities.lead_source,
        opportunities.currency,
        opportunities.created_at,
        {{ to_business_date('opportunities.created_at') }} as created_date,

        latest.stage_name,
        stages.stage_order,
        latest.forecast_category,
        latest.amount,
        latest.probability,
        latest.close_date,
        latest.changed_at as last_changed_at,

        coalesce(stages.is_closed, false) as is_closed,
        coalesce(stages.is_won, false) as is_won,
        coalesce(stages.is_closed and not stages.is_won, false) as is_lost,

        stage_facts.n_stage_changes,
        stage_facts.n_skips,
        stage_facts.n_skipped_stages,
        stage_facts.n_regressions,
        stage_facts.first_stage_name,
        stage_facts.current_stage_entered_at,
        stage_facts.days_in_current_stage
    from opportunities
    inner join latest
        on latest.opportunity_id = opportunities.opportunity_id
    inner join stage_facts
        on stage_facts.opportunity_id = opportunities.opportunity_id
    left join stages
        on stages.stage_name = latest.stage_name

),

dated as (

    select
        *,
        case when is_closed then {{ to_business_date('current_stage_entered_at') }} end as closed_date,
        least({{ month_start('close_date') }}, {{ as_of_month() }}) as fx_month
    from joined

),

final as (

    select
        dated.*,
        fx.rate_to_reporting as fx_rate_to_reporting,
        {{ to_money('dated.amount * fx.rate_to_reporting') }} as amount_reporting,
        {{ to_money(to_money('dated.amount * fx.rate_to_reporting') ~ ' * dated.probability') }} as weighted_amount_reporting,
        cast({{ dbt.datediff('dated.created_date', 'coalesce(dated.closed_date, ' ~ as_of_date() ~ ')', 'day') }} as integer)
            as days_open,
        cast(case when dated.is_closed then {{ dbt.datediff('dated.created_date', 'dated.closed_date', 'day') }} end as integer)
            as cycle_days
    from dated
    left join fx
        on fx.currency = dated.currency
        and fx.rate_month = dated.fx_month

)

select * from final
