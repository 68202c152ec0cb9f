-- One row per calendar month from the first month any CRM/ERP fact needs to the
-- as-of month, with its fiscal calendar (var fiscal_year_start_month; a fiscal
-- year is named by the calendar year it ends in).
with

bounds as (

    select min(first_date) as first_date
    from (
        select min({{ to_business_date('created_at') }}) as first_date from {{ ref('stg_crm__opportunities') }}
        union all
        select min({{ to_business_date('changed_at') }}) from {{ ref('stg_crm__opportunity_history') }}
        union all
        select min(close_date) from {{ ref('stg_crm__opportunity_history') }}
        union all
        select min(quota_month) from {{ ref('stg_crm__forecasting_quotas') }}
        union all
        select min(rate_month) from {{ ref('stg_erp__fx_rates') }}
        union all
        select min(activity_date) from {{ ref('stg_crm__tasks') }}
        union all
        select min({{ to_business_date('started_at') }}) from {{ ref('stg_crm__events') }}
        union all
        select {{ as_of_date() }}
    ) as firsts
    where first_date <= {{ as_of_date() }}

),

months as (

    {{ month_spine('(select first_date from bounds)', as_of_date()) }}

),

calendar as (

    select
        month_start,
        cast(extract(year from month_start) as integer) as calendar_year,
        cast(extract(month from month_start) as integer) as calendar_month,
        cast(mod(cast(extract(month from month_start) as integer) - {{ var('fiscal_year_start_month') }} + 12, 12) + 1 as integer)
            as fiscal_month
    from months

),

final as (

    select
        month_start,
        {{ add_days(add_months('month_start', 1), -1) }} as month_end,
        calendar_year,
        calendar_month,
        cast(
            calendar_year
            + case when {{ var('fiscal_year_start_month') }} > 1 and calendar_month >= {{ var('fiscal_year_start_month') }} then 1 else 0 end
            as integer
        ) as fiscal_year,
        cast(case when fiscal_month <= 3 then 1 when fiscal_month <= 6 then 2 when fiscal_month <= 9 then 3 else 4 end as integer)
            as fiscal_quarter,
        fiscal_month,
        {{ add_months('month_start', '1 - fiscal_month') }} as fiscal_year_start,
        month_start = {{ as_of_month() }} as is_as_of_month
    from calendar

)

select * from final
