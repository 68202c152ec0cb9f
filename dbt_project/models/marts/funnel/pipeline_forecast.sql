-- One row per business week (that ended by var('as_of')): the forecast for the
-- fiscal quarter the week's Sunday falls in, from that week's pipeline snapshot,
-- and -- for quarters that have ended by the as-of date -- its accuracy against
-- what was actually won.
--   open_pipeline        open, valid-amount pipeline with close_date in the quarter
--   weighted_pipeline    sum of amount x probability (probability a fraction 0-1)
--   pipeline/best_case/commit_amount   open_pipeline by forecast category
--   won_to_date          won in the quarter by the week end (closed_date in quarter, <= week end)
--   forecast_weighted    won_to_date + weighted_pipeline
--   forecast_commit      won_to_date + commit_amount
--   forecast_best_case   won_to_date + commit_amount + best_case_amount
--   actual_won           won in the quarter (closed_date), known once the quarter has ended
--   forecast_error       forecast_weighted - actual_won; bias = error / actual_won;
--                        accuracy = 1 - |error| / actual_won (can be negative)
--   quota                the quarter's CRM all-product quotas of all owners (reporting currency)
--   coverage             open_pipeline / (quota - won_to_date); null when quota - won_to_date <= 0
-- Won amounts leave out opportunities excluded from amounts (data_quality_findings).
with

weeks as (

    select * from {{ ref('int_funnel_weeks_spined') }}

),

snapshots as (

    select * from {{ ref('pipeline_weekly_snapshots') }}
    where week_end_date <= {{ as_of_date() }} and is_amount_valid

),

won as (

    select o.closed_date, o.amount_reporting
    from {{ ref('opportunities') }} as o
    inner join {{ ref('int_opportunities_quality_flagged') }} as f
        on f.opportunity_id = o.opportunity_id
    where o.is_won and not f.is_excluded_from_amounts

),

quotas as (

    select
        {{ fiscal_quarter_start('q.quota_month') }} as quarter_start_date,
        sum({{ to_money('q.quota_amount * fx.rate_to_reporting') }}) as quota
    from {{ ref('stg_crm__forecasting_quotas') }} as q
    left join {{ ref('int_fx_rates_filled') }} as fx
        on fx.currency = q.currency
        and fx.rate_month = least(q.quota_month, {{ as_of_month() }})
    where q.product_family is null
    group by {{ fiscal_quarter_start('q.quota_month') }}

),

pipeline as (

    select
        weeks.week_end_date,
        sum(s.amount_reporting) as open_pipeline,
        sum(s.weighted_amount_reporting) as weighted_pipeline,
        sum(case when s.forecast_category = 'Pipeline' then s.amount_reporting else 0 end) as pipeline_amount,
        sum(case when s.forecast_category = 'Best Case' then s.amount_reporting else 0 end) as best_case_amount,
        sum(case when s.forecast_category = 'Commit' then s.amount_reporting else 0 end) as commit_amount,
        count(*) as n_open
    from weeks
    inner join snapshots as s
        on s.week_end_date = weeks.week_end_date
        and s.close_date between weeks.quarter_start_date and weeks.quarter_end_date
    group by weeks.week_end_date

),

won_by_week as (

    select
        weeks.week_end_date,
        sum(case when won.closed_date <= weeks.week_end_date then won.amount_reporting else 0 end) as won_to_date,
        sum(won.amount_reporting) as won_in_quarter
    from weeks
    inner join won
        on won.closed_date between weeks.quarter_start_date and weeks.quarter_end_date
    group by weeks.week_end_date

),

combined as (

    select
        weeks.*,
        coalesce(pipeline.open_pipeline, 0) as open_pipeline,
        coalesce(pipeline.weighted_pipeline, 0) as weighted_pipeline,
        coalesce(pipeline.pipeline_amount, 0) as pipeline_amount,
        coalesce(pipeline.best_case_amount, 0) as best_case_amount,
        coalesce(pipeline.commit_amount, 0) as commit_amount,
        coalesce(pipeline.n_open, 0) as n_open,
        coalesce(won_by_week.won_to_date, 0) as won_to_date,
        weeks.quarter_end_date <= {{ as_of_date() }} as is_quarter_complete,
        case when weeks.quarter_end_date <= {{ as_of_date() }} then coalesce(won_by_week.won_in_quarter, 0) end as actual_won,
        quotas.quota
    from weeks
    left join pipeline on pipeline.week_end_date = weeks.week_end_date
    left join won_by_week on won_by_week.week_end_date = weeks.week_end_date
    left join quotas on quotas.quarter_start_date = weeks.quarter_start_date

),

final as (

    select
        week_end_date,
        fiscal_year,
        fiscal_quarter,
        quarter_start_date,
        quarter_end_date,
        week_of_quarter,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(n_open as integer) as n_open,
        {{ to_money('open_pipeline') }} as open_pipeline,
        {{ to_money('weighted_pipeline') }} as weighted_pipeline,
        {{ to_money('pipeline_amount') }} as pipeline_amount,
        {{ to_money('best_case_amount') }} as best_case_amount,
        {{ to_money('commit_amount') }} as commit_amount,
        {{ to_money('won_to_date') }} as won_to_date,
        {{ to_money('won_to_date + weighted_pipeline') }} as forecast_weighted,
        {{ to_money('won_to_date + commit_amount') }} as forecast_commit,
        {{ to_money('won_to_date + commit_amount + best_case_amount') }} as forecast_best_case,
        is_quarter_complete,
        {{ to_money('actual_won') }} as actual_won,
        {{ to_money('won_to_date + weighted_pipeline - actual_won') }} as forecast_error,
        {{ safe_divide('won_to_date + weighted_pipeline - actual_won', 'actual_won') }} as forecast_bias,
        cast(1 - {{ safe_divide('abs(won_to_date + weighted_pipeline - actual_won)', 'actual_won') }} as {{ type_ratio() }})
            as forecast_accuracy,
        {{ to_money('quota') }} as quota,
        cast(case when quota - won_to_date > 0 then {{ safe_divide('open_pipeline', 'quota - won_to_date') }} end
            as {{ type_ratio() }}) as coverage,
        {{ as_of_date() }} as as_of_date
    from combined

)

select * from final
