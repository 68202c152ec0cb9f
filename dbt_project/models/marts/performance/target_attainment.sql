-- One row per node x period as of the as-of date, period in (mtd, qtd, ytd)
-- of the fiscal calendar, node_type in (company, business_unit, region, team,
-- rep, product_line). Sums over int_performance_rep_product_months (each rep
-- month counted at the node the rep belonged to at the month's end).
--   target_period      full target of the period (all its months, also future ones)
--   target_to_date     seasonality-weighted target to date: the full targets of the
--                      period's completed months + the as-of month's target x
--                      elapsed days / days in month (the ledger's monthly shares
--                      are the seasonality; CRM quotas where no version covers)
--   pace               bookings_to_date / target_to_date (1.0 = on track)
--   attainment         bookings_to_date / target_period
--   run_rate_projection  bookings_to_date x days in period / elapsed days (straight line)
--   seasonal_projection  bookings_to_date x target_period / target_to_date
-- RAG from the KPI registry (config.kpis: pace, attainment).
with

as_of as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ as_of_month() }} as as_of_month,
        {{ fiscal_year_of(as_of_date()) }} as fiscal_year,
        {{ fiscal_month_of(as_of_date()) }} as fiscal_month

),

periods as (

    select
        'mtd' as period,
        as_of_month as period_start,
        {{ add_days(add_months('as_of_month', 1), -1) }} as period_end
    from as_of
    union all
    select
        'qtd',
        {{ add_months('as_of_month', '- mod(fiscal_month - 1, 3)') }},
        {{ add_days(add_months(add_months('as_of_month', '- mod(fiscal_month - 1, 3)'), 3), -1) }}
    from as_of
    union all
    select
        'ytd',
        {{ add_months('as_of_month', '1 - fiscal_month') }},
        {{ add_days(add_months(add_months('as_of_month', '1 - fiscal_month'), 12), -1) }}
    from as_of

),

facts as (

    select
        periods.period,
        periods.period_start,
        periods.period_end,
        facts.*,
        case
            when facts.month_start < as_of.as_of_month then facts.target
            when facts.month_start = as_of.as_of_month then {{ safe_divide(
                'facts.target * (' ~ dbt.datediff('as_of.as_of_month', 'as_of.as_of_date', 'day') ~ ' + 1)',
                dbt.datediff('as_of.as_of_month', add_months('as_of.as_of_month', 1), 'day'), 'money') }}
            else {{ to_money(0) }}
        end as target_to_date
    from {{ ref('int_performance_rep_product_months') }} as facts
    cross join as_of
    inner join periods
        on facts.month_start between periods.period_start and periods.period_end

),

nodes as (

    {%- set levels = [
        ('rep', 'rep_id', 'rep_name'),
        ('team', 'team_id', 'team_name'),
        ('region', 'region_id', 'region_name'),
        ('business_unit', 'business_unit_id', 'business_unit_name'),
        ('product_line', 'product_line', 'product_line'),
    ] %}
    {%- for node_type, id_col, name_col in levels %}
    select
        '{{ node_type }}' as node_type,
        coalesce({{ id_col }}, '(unassigned)') as node_id,
        coalesce({{ name_col }}, '(unassigned)') as node_name,
        {{ 'manager_name' if node_type in ('rep', 'team') else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as manager_name,
        period, period_start, period_end, target, target_to_date, bookings, target_source
    from facts
    union all
    {%- endfor %}
    select
        'company', 'company', 'Company', cast(null as {{ dbt.type_string() }}),
        period, period_start, period_end, target, target_to_date, bookings, target_source
    from facts

),

summed as (

    select
        node_type,
        node_id,
        max(node_name) as node_name,
        max(manager_name) as manager_name,
        period,
        period_start,
        period_end,
        sum(target) as target_period,
        sum(target_to_date) as target_to_date,
        sum(bookings) as bookings_to_date,
        max(case when target_source = 'crm_quota' then 1 else 0 end) as has_crm_fallback,
        max(case when target_source = 'ledger' then 1 else 0 end) as has_ledger
    from nodes
    group by node_type, node_id, period, period_start, period_end

),

kpi_pace as (

    select * from {{ ref('stg_config__kpis') }} where kpi_name = 'pace'

),

kpi_attainment as (

    select * from {{ ref('stg_config__kpis') }} where kpi_name = 'attainment'

),

measured as (

    select
        summed.*,
        {{ dbt.datediff('summed.period_start', 'as_of.as_of_date', 'day') }} + 1 as elapsed_days,
        {{ dbt.datediff('summed.period_start', 'summed.period_end', 'day') }} + 1 as period_days,
        {{ safe_divide('summed.bookings_to_date', 'summed.target_to_date') }} as pace,
        {{ safe_divide('summed.bookings_to_date', 'summed.target_period') }} as attainment
    from summed
    cross join as_of

),

final as (

    select
        -- ids
        measured.node_type || ':' || measured.node_id || ':' || measured.period as node_period_id,
        measured.node_type,
        measured.node_id,

        -- strings
        measured.node_name,
        measured.manager_name,
        measured.period,
        case
            when measured.has_ledger = 1 and measured.has_crm_fallback = 1 then 'mixed'
            when measured.has_ledger = 1 then 'ledger'
            when measured.has_crm_fallback = 1 then 'crm_quota'
            else 'none'
        end as target_source,
        '{{ var("reporting_currency") }}' as reporting_currency,

        -- numerics
        cast(measured.elapsed_days as integer) as elapsed_days,
        cast(measured.period_days as integer) as period_days,
        {{ to_money('measured.target_period') }} as target_period,
        {{ to_money('measured.target_to_date') }} as target_to_date,
        {{ to_money('measured.bookings_to_date') }} as bookings_to_date,
        {{ to_money('measured.target_to_date - measured.bookings_to_date') }} as gap_to_date,
        {{ to_money('measured.target_period - measured.bookings_to_date') }} as gap_to_period,
        {{ safe_divide('measured.target_to_date', 'measured.target_period') }} as seasonal_share_to_date,
        measured.pace,
        measured.attainment,
        {{ safe_divide('measured.bookings_to_date * measured.period_days', 'measured.elapsed_days', 'money') }}
            as run_rate_projection,
        {{ safe_divide('measured.bookings_to_date * measured.target_period', 'measured.target_to_date', 'money') }}
            as seasonal_projection,
        {{ rag_status('measured.pace', 'kpi_pace') }} as pace_rag,
        {{ rag_status('measured.attainment', 'kpi_attainment') }} as attainment_rag,

        -- dates
        measured.period_start,
        measured.period_end,
        {{ as_of_date() }} as as_of_date

    from measured
    left join kpi_pace on 1 = 1
    left join kpi_attainment on 1 = 1

)

select * from final
