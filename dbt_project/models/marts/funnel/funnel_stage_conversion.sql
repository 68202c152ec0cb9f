-- One row per open funnel stage x cohort month (the business month an
-- opportunity first entered -- or jumped over -- the stage), as of var('as_of').
-- entered = opportunities in the cohort; reached_later = of those, how many
-- later reached a higher stage or Closed Won (a skipped stage counts as
-- passed); won / lost / still_open = their state on the as-of date, so
-- entered = won + lost + still_open. Days in stage: first visits that have
-- been exited (skipped stages and stages still occupied are left out).
with

passed as (

    select * from {{ ref('int_opportunity_stages_passed') }}

),

opportunities as (

    select opportunity_id, is_closed, is_won, is_lost, amount_reporting
    from {{ ref('int_opportunities_as_of') }}

),

cohorts as (

    select
        passed.stage_name,
        passed.stage_order,
        {{ month_start('passed.first_entered_date') }} as cohort_month,
        passed.opportunity_id,
        passed.is_skipped,
        passed.has_reached_later,
        passed.first_days_in_stage,
        opportunities.is_won,
        opportunities.is_lost,
        not opportunities.is_closed as is_open,
        opportunities.amount_reporting
    from passed
    inner join opportunities
        on opportunities.opportunity_id = passed.opportunity_id

),

aggregated as (

    select
        stage_name,
        stage_order,
        cohort_month,
        cast(count(*) as integer) as n_entered,
        cast(sum(case when is_skipped then 1 else 0 end) as integer) as n_skipped,
        cast(sum(case when has_reached_later then 1 else 0 end) as integer) as n_reached_later,
        cast(sum(case when is_won then 1 else 0 end) as integer) as n_won,
        cast(sum(case when is_lost then 1 else 0 end) as integer) as n_lost,
        cast(sum(case when is_open then 1 else 0 end) as integer) as n_open,
        {{ to_money('coalesce(sum(amount_reporting), 0)') }} as entered_amount_reporting,
        {{ to_money('coalesce(sum(case when is_won then amount_reporting end), 0)') }} as won_amount_reporting,
        cast(count(first_days_in_stage) as integer) as n_exited,
        {{ percentile_cont('first_days_in_stage', 0.5) }} as median_days_in_stage,
        {{ percentile_cont('first_days_in_stage', 0.75) }} as p75_days_in_stage
    from cohorts
    group by stage_name, stage_order, cohort_month

),

final as (

    select
        stage_name || '-' || cast(cohort_month as {{ dbt.type_string() }}) as stage_cohort_id,
        stage_name,
        stage_order,
        cohort_month,
        n_entered,
        n_skipped,
        n_reached_later,
        n_won,
        n_lost,
        n_open,
        {{ safe_divide('n_reached_later', 'n_entered') }} as conversion_rate,
        {{ safe_divide('n_won', 'n_entered') }} as win_rate_from_stage,
        '{{ var("reporting_currency") }}' as reporting_currency,
        entered_amount_reporting,
        won_amount_reporting,
        {{ safe_divide('won_amount_reporting', 'entered_amount_reporting') }} as win_rate_by_amount,
        n_exited,
        median_days_in_stage,
        p75_days_in_stage,
        {{ as_of_date() }} as as_of_date
    from aggregated

)

select * from final
