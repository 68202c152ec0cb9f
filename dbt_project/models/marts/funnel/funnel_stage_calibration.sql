-- One row per open funnel stage: of the opportunities that entered (or jumped
-- over) the stage in the trailing window -- the var('funnel_window_months')
-- full months before the as-of month -- the cohort conversion to a later stage
-- and P(win | stage) = won / (won + lost) among those already closed, next to
-- the funnel standard's default probability (calibration_gap = observed -
-- configured; positive = the standard is too pessimistic). Opportunities still
-- open are counted in n_entered and n_open but not in the win probability.
{%- set window_start = add_months(as_of_month(), -1 * var('funnel_window_months', 12)) %}
with

cohorts as (

    select * from {{ ref('funnel_stage_conversion') }}
    where cohort_month >= {{ window_start }}
      and cohort_month < {{ as_of_month() }}

),

stages as (

    select stage_name, stage_order, default_probability
    from {{ ref('stg_config__funnel_stages') }}
    where not is_closed

),

summed as (

    select
        stage_name,
        sum(n_entered) as n_entered,
        sum(n_skipped) as n_skipped,
        sum(n_reached_later) as n_reached_later,
        sum(n_won) as n_won,
        sum(n_lost) as n_lost,
        sum(n_open) as n_open,
        sum(entered_amount_reporting) as entered_amount_reporting,
        sum(won_amount_reporting) as won_amount_reporting
    from cohorts
    group by stage_name

),

final as (

    select
        stages.stage_name,
        stages.stage_order,
        {{ window_start }} as window_start_month,
        {{ add_days(as_of_month(), -1) }} as window_end_date,
        cast(coalesce(summed.n_entered, 0) as integer) as n_entered,
        cast(coalesce(summed.n_skipped, 0) as integer) as n_skipped,
        cast(coalesce(summed.n_reached_later, 0) as integer) as n_reached_later,
        cast(coalesce(summed.n_won, 0) as integer) as n_won,
        cast(coalesce(summed.n_lost, 0) as integer) as n_lost,
        cast(coalesce(summed.n_open, 0) as integer) as n_open,
        {{ safe_divide('summed.n_reached_later', 'summed.n_entered') }} as conversion_rate,
        {{ safe_divide('summed.n_won', 'summed.n_won + summed.n_lost') }} as observed_win_probability,
        stages.default_probability,
        cast({{ safe_divide('summed.n_won', 'summed.n_won + summed.n_lost') }} - stages.default_probability as {{ type_ratio() }})
            as calibration_gap,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {{ to_money('coalesce(summed.entered_amount_reporting, 0)') }} as entered_amount_reporting,
        {{ to_money('coalesce(summed.won_amount_reporting, 0)') }} as won_amount_reporting,
        {{ safe_divide('summed.won_amount_reporting', 'summed.entered_amount_reporting') }} as win_rate_by_amount,
        {{ as_of_date() }} as as_of_date
    from stages
    left join summed
        on summed.stage_name = stages.stage_name

)

select * from final
