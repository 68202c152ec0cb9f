-- Variable pay as a share of revenue: one row per month x business unit x
-- region (reporting currency).
--   variable_pay  Σ payouts.earned + adjustment + clawback of the month (draws are
--                 advances, not cost), by the payee's region / business unit on the
--                 month's last day (the as-of date in the as-of month);
--   revenue       ERP invoices net of credit notes dated in the month, by the
--                 region / business unit of the opportunity owner on the invoice
--                 date (orders without a CRM opportunity: region and BU null);
--   both converted at the monthly average rate (int_fx_rates_filled).
-- cost_of_sales_ratio = variable_pay / revenue (null without revenue).
with

months as (

    select
        month_start,
        case when month_end > {{ as_of_date() }} then {{ as_of_date() }} else month_end end as reference_date
    from {{ ref('int_months_spined') }}

),

reps as (

    select user_id, business_unit_id, business_unit_name, region_id, region_name, valid_from_date, valid_to_date
    from {{ ref('int_reps_assigned') }}

),

fx as (

    select currency, rate_month, rate_to_reporting
    from {{ ref('int_fx_rates_filled') }}

),

pay as (

    select
        months.month_start,
        reps.business_unit_id,
        max(reps.business_unit_name) as business_unit_name,
        reps.region_id,
        max(reps.region_name) as region_name,
        sum((payouts.earned + payouts.adjustment + payouts.clawback) * fx.rate_to_reporting) as variable_pay,
        count(distinct payouts.payee_id) as n_payees
    from {{ ref('stg_compensation__payouts') }} as payouts
    inner join months
        on months.month_start = payouts.period_start
    left join reps
        on reps.user_id = payouts.payee_id
        and months.reference_date between reps.valid_from_date and reps.valid_to_date
    left join fx
        on fx.currency = payouts.currency
        and fx.rate_month = months.month_start
    group by 1, 2, 4

),

revenue as (

    select
        {{ month_start('invoices.credit_date') }} as month_start,
        reps.business_unit_id,
        max(reps.business_unit_name) as business_unit_name,
        reps.region_id,
        max(reps.region_name) as region_name,
        sum(invoices.amount * fx.rate_to_reporting) as revenue
    from {{ ref('int_comp_transactions_unioned') }} as invoices
    left join {{ ref('stg_crm__opportunities') }} as opportunities
        on opportunities.opportunity_id = invoices.opportunity_id
    left join reps
        on reps.user_id = opportunities.owner_user_id
        and invoices.credit_date between reps.valid_from_date and reps.valid_to_date
    left join fx
        on fx.currency = invoices.currency
        and fx.rate_month = {{ month_start('invoices.credit_date') }}
    where invoices.measure = 'invoiced_revenue'
    group by 1, 2, 4

),

joined as (

    select
        coalesce(pay.month_start, revenue.month_start) as month_start,
        coalesce(pay.business_unit_id, revenue.business_unit_id) as business_unit_id,
        coalesce(pay.business_unit_name, revenue.business_unit_name) as business_unit_name,
        coalesce(pay.region_id, revenue.region_id) as region_id,
        coalesce(pay.region_name, revenue.region_name) as region_name,
        coalesce(pay.n_payees, 0) as n_payees,
        round(coalesce(pay.variable_pay, 0), 2) as variable_pay,
        round(coalesce(revenue.revenue, 0), 2) as revenue
    from pay
    full outer join revenue
        on revenue.month_start = pay.month_start
        and coalesce(revenue.business_unit_id, '') = coalesce(pay.business_unit_id, '')
        and coalesce(revenue.region_id, '') = coalesce(pay.region_id, '')

)

select
    cast(cast(month_start as {{ dbt.type_string() }}) || ':' || coalesce(business_unit_id, '') || ':' || coalesce(region_id, '')
        as {{ dbt.type_string() }}) as cost_of_sales_id,
    month_start,
    cast(business_unit_id as {{ dbt.type_string() }}) as business_unit_id,
    cast(business_unit_name as {{ dbt.type_string() }}) as business_unit_name,
    cast(region_id as {{ dbt.type_string() }}) as region_id,
    cast(region_name as {{ dbt.type_string() }}) as region_name,
    cast('{{ var("reporting_currency") }}' as {{ dbt.type_string() }}) as reporting_currency,
    cast(n_payees as integer) as n_payees,
    {{ to_money('variable_pay') }} as variable_pay,
    {{ to_money('revenue') }} as revenue,
    {{ safe_divide('variable_pay', 'revenue', 'ratio') }} as cost_of_sales_ratio
from joined
