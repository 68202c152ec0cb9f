-- One row per currency x month of the calendar (int_months_spined): the rate
-- of type var('fx_rate_type') (monthly average for analytics) to CNY and to
-- var('reporting_currency'). A month without a published rate carries the
-- last earlier rate forward (is_carried_forward); a month before a currency's
-- first rate has no row (the conversion yields null and a data-quality finding).
-- CNY is always 1 to CNY.
with

months as (

    select month_start from {{ ref('int_months_spined') }}

),

published as (

    select currency, rate_month, rate_to_cny
    from {{ ref('stg_erp__fx_rates') }}
    where rate_type = '{{ var("fx_rate_type") }}'
      and currency <> 'CNY'
      and rate_month <= {{ as_of_month() }}

),

candidates as (

    select
        published.currency,
        months.month_start as rate_month,
        published.rate_month as published_rate_month,
        published.rate_to_cny,
        row_number() over (
            partition by published.currency, months.month_start
            order by published.rate_month desc
        ) as recency
    from months
    inner join published
        on published.rate_month <= months.month_start

),

to_cny as (

    select currency, rate_month, published_rate_month, rate_to_cny
    from candidates
    where recency = 1

    union all

    select
        'CNY' as currency,
        month_start as rate_month,
        month_start as published_rate_month,
        cast(1 as {{ type_rate() }}) as rate_to_cny
    from months

),

final as (

    select
        to_cny.currency,
        to_cny.rate_month,
        to_cny.published_rate_month,
        to_cny.published_rate_month <> to_cny.rate_month as is_carried_forward,
        to_cny.rate_to_cny,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {%- if var('reporting_currency') == 'CNY' %}
        cast(to_cny.rate_to_cny as {{ type_fx_rate() }}) as rate_to_reporting
        {%- else %}
        {{ safe_divide('to_cny.rate_to_cny', 'reporting.rate_to_cny', 'fx_rate') }} as rate_to_reporting
        {%- endif %}
    from to_cny
    {%- if var('reporting_currency') != 'CNY' %}
    inner join to_cny as reporting
        on reporting.currency = '{{ var("reporting_currency") }}'
        and reporting.rate_month = to_cny.rate_month
    {%- endif %}

)

select * from final
