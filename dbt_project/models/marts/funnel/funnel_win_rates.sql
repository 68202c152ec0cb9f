-- One row per business month (up to the as-of month) x dimension (company /
-- segment / region) x value: win rate by count and by amount of the
-- opportunities CLOSED in the month (closed_date, the day the closed stage was
-- entered), sales cycle of the won ones, average deal size, and sales velocity
--   velocity_per_day = n_created x win_rate x avg_deal_size / avg_cycle_days_won
-- (n_created = opportunities created in the month in that slice): the
-- reporting-currency value the month's new pipeline is expected to turn into
-- per day. Amount metrics leave out opportunities excluded from amounts, cycle
-- metrics those with a close date before their created date (see
-- int_opportunities_quality_flagged; both are data_quality_findings).
{%- set dimensions = {'company': "'all'", 'segment': 'segment', 'region': 'region_name'} %}
with

opportunities as (

    select
        o.*,
        f.is_excluded_from_amounts,
        f.is_excluded_from_cycle
    from {{ ref('opportunities') }} as o
    inner join {{ ref('int_opportunities_quality_flagged') }} as f
        on f.opportunity_id = o.opportunity_id

),

closed as (

    select {{ month_start('closed_date') }} as month_start, *
    from opportunities
    where not is_open

),

created as (

    select {{ month_start('created_date') }} as month_start, *
    from opportunities

),

by_dimension as (

    {%- for dimension, expr in dimensions.items() %}
    select
        month_start,
        '{{ dimension }}' as dimension,
        coalesce(cast({{ expr }} as {{ dbt.type_string() }}), '(unknown)') as dimension_value,
        sum(case when is_won then 1 else 0 end) as n_won,
        sum(case when is_lost then 1 else 0 end) as n_lost,
        sum(case when is_won and not is_excluded_from_amounts then amount_reporting else 0 end) as won_amount,
        sum(case when is_lost and not is_excluded_from_amounts then amount_reporting else 0 end) as lost_amount,
        sum(case when is_won and not is_excluded_from_amounts then 1 else 0 end) as n_won_with_amount,
        sum(case when is_won and not is_excluded_from_cycle then cycle_days end) as won_cycle_days,
        sum(case when is_won and not is_excluded_from_cycle then 1 else 0 end) as n_won_with_cycle,
        {{ percentile_cont('case when is_won and not is_excluded_from_cycle then cycle_days end', 0.5) }} as median_cycle_days_won
    from closed
    group by month_start, coalesce(cast({{ expr }} as {{ dbt.type_string() }}), '(unknown)')
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

created_by_dimension as (

    {%- for dimension, expr in dimensions.items() %}
    select
        month_start,
        '{{ dimension }}' as dimension,
        coalesce(cast({{ expr }} as {{ dbt.type_string() }}), '(unknown)') as dimension_value,
        count(*) as n_created
    from created
    group by month_start, coalesce(cast({{ expr }} as {{ dbt.type_string() }}), '(unknown)')
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

combined as (

    select
        coalesce(c.month_start, n.month_start) as month_start,
        coalesce(c.dimension, n.dimension) as dimension,
        coalesce(c.dimension_value, n.dimension_value) as dimension_value,
        coalesce(c.n_won, 0) as n_won,
        coalesce(c.n_lost, 0) as n_lost,
        coalesce(c.won_amount, 0) as won_amount,
        coalesce(c.lost_amount, 0) as lost_amount,
        coalesce(c.n_won_with_amount, 0) as n_won_with_amount,
        c.won_cycle_days,
        coalesce(c.n_won_with_cycle, 0) as n_won_with_cycle,
        c.median_cycle_days_won,
        coalesce(n.n_created, 0) as n_created
    from by_dimension as c
    full outer join created_by_dimension as n
        on n.month_start = c.month_start
        and n.dimension = c.dimension
        and n.dimension_value = c.dimension_value

),

rates as (

    select
        *,
        {{ safe_divide('n_won', 'n_won + n_lost') }} as win_rate,
        {{ safe_divide('won_amount', 'won_amount + lost_amount') }} as win_rate_by_amount,
        {{ safe_divide('won_amount', 'n_won_with_amount', 'money') }} as avg_deal_size,
        cast({{ safe_divide('won_cycle_days', 'n_won_with_cycle', 'rate') }} as {{ type_days() }}) as avg_cycle_days_won
    from combined

),

final as (

    select
        dimension || ':' || dimension_value || ':' || cast(month_start as {{ dbt.type_string() }}) as win_rate_id,
        rates.month_start,
        rates.dimension,
        rates.dimension_value,
        cast(rates.n_won as integer) as n_won,
        cast(rates.n_lost as integer) as n_lost,
        rates.win_rate,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {{ to_money('rates.won_amount') }} as won_amount_reporting,
        {{ to_money('rates.lost_amount') }} as lost_amount_reporting,
        rates.win_rate_by_amount,
        rates.avg_deal_size,
        rates.avg_cycle_days_won,
        rates.median_cycle_days_won,
        cast(rates.n_created as integer) as n_created,
        {{ safe_divide('rates.n_created * rates.win_rate * rates.avg_deal_size', 'rates.avg_cycle_days_won', 'money') }}
            as velocity_per_day,
        rates.month_start = {{ as_of_month() }} as is_partial_month,
        {{ as_of_date() }} as as_of_date
    from rates
    where rates.month_start <= {{ as_of_month() }}

)

select * from final
