-- One row per rep x metric as of the as-of date: the rep metrics the KPI
-- registry and the diagnostic rules name (salesops/performance/config.py
-- REP_METRICS lists the same names), with the KPI and its RAG status where a
-- KPI of config.kpis measures the metric. Reps = CRM users with sales_role
-- 'rep' whose HR assignment is valid on the as-of date (their manager is the
-- one the action list goes to). Windows end on the as-of date:
-- 12 months = 365 days, 13 weeks = 91 days, 90 days; YTD / QTD = fiscal.
-- Indexes compare a rep with the company: activity vs the median rep,
-- win rate and deal size vs the pooled rate of all reps in scope.
with

as_of as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ add_days(as_of_date(), -364) }} as start_12m,
        {{ add_days(as_of_date(), -729) }} as start_24m,
        {{ add_days(as_of_date(), -90) }} as start_13w,
        {{ add_days(as_of_date(), -89) }} as start_90d,
        {{ add_months(as_of_month(), '1 - ' ~ fiscal_month_of(as_of_date())) }} as fiscal_year_start,
        {{ add_days(add_months(add_months(as_of_month(), '- mod(' ~ fiscal_month_of(as_of_date()) ~ ' - 1, 3)'), 3), -1) }}
            as quarter_end

),

hierarchy as (

    select user_id, user_name, manager_user_id, manager_name, team_name, region_name, business_unit_name
    from (
        select
            *,
            row_number() over (partition by user_id order by valid_from_date desc, rep_assignment_id) as n
        from {{ ref('int_reps_assigned') }}
        where sales_role = 'rep'
          and {{ as_of_date() }} between valid_from_date and valid_to_date
    ) as current_assignments
    where n = 1

),

reps as (

    select user_id as rep_id from hierarchy

),

opportunities as (

    select opps.*
    from {{ ref('int_opportunities_as_of') }} as opps
    inner join reps on reps.rep_id = opps.owner_user_id

),

attainment as (

    select
        node_id as rep_id,
        max(case when period = 'ytd' then bookings_to_date end) as bookings_ytd,
        max(case when period = 'ytd' then target_period end) as target_ytd,
        max(case when period = 'ytd' then attainment end) as attainment_ytd,
        max(case when period = 'ytd' then pace end) as pace_ytd,
        max(case when period = 'qtd' then pace end) as pace_qtd,
        max(case when period = 'qtd' then gap_to_date end) as gap_qtd,
        max(case when period = 'qtd' then target_period - bookings_to_date end) as remaining_qtd
    from {{ ref('target_attainment') }}
    where node_type = 'rep'
    group by node_id

),

pipeline as (

    select
        opportunities.owner_user_id as rep_id,
        sum(case when not is_closed then amount_reporting else 0 end) as open_pipeline,
        sum(case when not is_closed and close_date <= as_of.quarter_end then amount_reporting else 0 end) as open_closing_in_quarter,
        sum(case when not is_closed and days_in_current_stage > {{ var('stalled_after_days', 60) }} then amount_reporting else 0 end)
            as stalled_amount,
        sum(case when created_date >= as_of.start_90d then amount_reporting else 0 end) as pipeline_created_90d,
        sum(case when (is_won or is_lost) and close_date >= as_of.start_12m then 1 else 0 end) as n_closed_12m,
        sum(case when is_won and close_date >= as_of.start_12m then 1 else 0 end) as n_won_12m,
        sum(case when is_won and close_date >= as_of.start_12m then amount_reporting else 0 end) as bookings_12m,
        sum(case when is_won and close_date >= as_of.start_12m then cycle_days else 0 end) as cycle_days_sum_12m
    from opportunities
    cross join as_of
    group by opportunities.owner_user_id

),

revenue as (

    select
        opps.owner_user_id as rep_id,
        sum(
            case when invoices.invoice_type = 'credit_note' then -1 else 1 end
            * invoices.invoice_amount * fx.rate_to_reporting
        ) as revenue_ytd
    from {{ ref('stg_erp__invoices') }} as invoices
    cross join as_of
    inner join {{ ref('stg_erp__sales_orders') }} as orders
        on orders.sales_order_id = invoices.sales_order_id
    inner join opportunities as opps
        on opps.opportunity_id = orders.opportunity_id
    left join {{ ref('int_fx_rates_filled') }} as fx
        on fx.currency = invoices.currency
        and fx.rate_month = {{ month_start('invoices.invoice_date') }}
    where invoices.invoice_date between as_of.fiscal_year_start and as_of.as_of_date
    group by opps.owner_user_id

),

activities as (

    select owner_user_id as rep_id, count(*) as n_activities
    from (
        select owner_user_id, activity_date as activity_date, created_at
        from {{ ref('stg_crm__tasks') }}
        union all
        select owner_user_id, {{ to_business_date('started_at') }}, created_at
        from {{ ref('stg_crm__events') }}
    ) as acts
    cross join as_of
    where acts.activity_date between as_of.start_13w and as_of.as_of_date
      and {{ to_business_date('acts.created_at') }} <= as_of.as_of_date
    group by owner_user_id

),

account_wins as (

    select
        account_id,
        owner_user_id,
        close_date,
        row_number() over (partition by account_id order by close_date, opportunity_id) as win_no
    from {{ ref('int_opportunities_as_of') }}
    where is_won and account_id is not null

),

new_customers as (

    select account_wins.owner_user_id as rep_id, count(*) as new_customers_ytd
    from account_wins
    cross join as_of
    where account_wins.win_no = 1
      and account_wins.close_date between as_of.fiscal_year_start and as_of.as_of_date
    group by account_wins.owner_user_id

),

retention as (

    select
        prior_wins.owner_user_id as rep_id,
        count(distinct prior_wins.account_id) as n_prior_accounts,
        count(distinct recent_wins.account_id) as n_retained_accounts
    from account_wins as prior_wins
    cross join as_of
    left join account_wins as recent_wins
        on recent_wins.account_id = prior_wins.account_id
        and recent_wins.close_date between as_of.start_12m and as_of.as_of_date
    where prior_wins.close_date >= as_of.start_24m and prior_wins.close_date < as_of.start_12m
    group by prior_wins.owner_user_id

),

wide as (

    select
        reps.rep_id,
        attainment.bookings_ytd,
        revenue.revenue_ytd,
        attainment.target_ytd,
        attainment.attainment_ytd,
        attainment.pace_ytd,
        attainment.pace_qtd,
        attainment.gap_qtd,
        case when attainment.remaining_qtd > 0
            then {{ safe_divide('coalesce(pipeline.open_closing_in_quarter, 0)', 'attainment.remaining_qtd', 'rate') }}
        end as coverage_qtd,
        coalesce(pipeline.open_pipeline, 0) as open_pipeline,
        coalesce(pipeline.pipeline_created_90d, 0) as pipeline_created_90d,
        {{ safe_divide('pipeline.n_won_12m', 'pipeline.n_closed_12m', 'rate') }} as win_rate_12m,
        {{ safe_divide('pipeline.bookings_12m', 'pipeline.n_won_12m', 'money') }} as avg_deal_size_12m,
        {{ safe_divide('pipeline.cycle_days_sum_12m', 'pipeline.n_won_12m', 'rate') }} as cycle_days_12m,
        {{ safe_divide('coalesce(activities.n_activities, 0)', 13, 'rate') }} as activities_per_week_13w,
        coalesce(pipeline.stalled_amount, 0) as stalled_amount,
        {{ safe_divide('pipeline.stalled_amount', 'pipeline.open_pipeline', 'rate') }} as stalled_share,
        coalesce(new_customers.new_customers_ytd, 0) as new_customers_ytd,
        {{ safe_divide('retention.n_retained_accounts', 'retention.n_prior_accounts', 'rate') }} as retention_12m,
        pipeline.n_won_12m,
        pipeline.n_closed_12m,
        pipeline.bookings_12m
    from reps
    left join attainment on attainment.rep_id = reps.rep_id
    left join pipeline on pipeline.rep_id = reps.rep_id
    left join revenue on revenue.rep_id = reps.rep_id
    left join activities on activities.rep_id = reps.rep_id
    left join new_customers on new_customers.rep_id = reps.rep_id
    left join retention on retention.rep_id = reps.rep_id

),

benchmarks as (

    select
        {{ percentile_cont('activities_per_week_13w', 0.5) }} as median_activities_per_week,
        {{ safe_divide('sum(n_won_12m)', 'sum(n_closed_12m)', 'rate') }} as company_win_rate,
        {{ safe_divide('sum(bookings_12m)', 'sum(n_won_12m)', 'money') }} as company_avg_deal_size
    from wide

),

indexed as (

    select
        wide.*,
        {{ safe_divide('wide.activities_per_week_13w', 'benchmarks.median_activities_per_week', 'rate') }} as activity_index,
        {{ safe_divide('wide.win_rate_12m', 'benchmarks.company_win_rate', 'rate') }} as win_rate_index,
        {{ safe_divide('wide.avg_deal_size_12m', 'benchmarks.company_avg_deal_size', 'rate') }} as deal_size_index
    from wide
    cross join benchmarks

),

long as (

    {%- set metrics = [
        'bookings_ytd', 'revenue_ytd', 'target_ytd', 'attainment_ytd', 'pace_ytd', 'pace_qtd', 'gap_qtd',
        'coverage_qtd', 'open_pipeline', 'pipeline_created_90d', 'win_rate_12m', 'win_rate_index',
        'avg_deal_size_12m', 'deal_size_index', 'cycle_days_12m', 'activities_per_week_13w', 'activity_index',
        'stalled_amount', 'stalled_share', 'new_customers_ytd', 'retention_12m',
    ] %}
    {%- for metric in metrics %}
    select rep_id, '{{ metric }}' as metric, {{ loop.index }} as metric_order,
        cast({{ metric }} as {{ type_rate() }}) as metric_value
    from indexed
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        -- ids
        long.rep_id || ':' || long.metric as rep_metric_id,
        long.rep_id,
        hierarchy.manager_user_id,

        -- strings
        hierarchy.user_name as rep_name,
        hierarchy.manager_name,
        hierarchy.team_name,
        hierarchy.region_name,
        hierarchy.business_unit_name,
        long.metric,
        kpi.kpi_name,
        {{ rag_status('long.metric_value', 'kpi') }} as rag,

        -- numerics
        cast(long.metric_order as integer) as metric_order,
        long.metric_value,

        -- dates
        {{ as_of_date() }} as as_of_date

    from long
    inner join hierarchy
        on hierarchy.user_id = long.rep_id
    left join {{ ref('stg_config__kpis') }} as kpi
        on kpi.metric = long.metric

)

select * from final
