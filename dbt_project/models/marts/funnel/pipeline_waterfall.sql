-- One row per business week (after the first): the pipeline waterfall between
-- the previous and this weekly snapshot for the period (fiscal quarter of this
-- week's Sunday); see pipeline_waterfall_movements for the rules. Exactly:
-- open_end = open_start + new + pulled_in + increased - pushed_out - decreased - won - lost.
with

weeks as (

    select * from {{ ref('int_funnel_weeks_spined') }}

),

movements as (

    select * from {{ ref('pipeline_waterfall_movements') }}

),

summed as (

    select
        week_end_date,
        sum(amount_start) as open_start,
        sum(case when movement = 'new' then amount_end else 0 end) as new_amount,
        sum(case when movement = 'pulled_in' then amount_end else 0 end) as pulled_in,
        sum(case when movement = 'increased' then amount_change else 0 end) as increased,
        sum(case when movement = 'decreased' then -amount_change else 0 end) as decreased,
        sum(case when movement = 'pushed_out' then amount_start else 0 end) as pushed_out,
        sum(case when movement = 'won' then amount_start else 0 end) as won,
        sum(case when movement = 'lost' then amount_start else 0 end) as lost,
        sum(amount_end) as open_end,
        count(case when is_in_start then 1 end) as n_open_start,
        count(case when movement = 'new' then 1 end) as n_new,
        count(case when movement = 'pulled_in' then 1 end) as n_pulled_in,
        count(case when movement = 'pushed_out' then 1 end) as n_pushed_out,
        count(case when movement = 'won' then 1 end) as n_won,
        count(case when movement = 'lost' then 1 end) as n_lost,
        count(case when is_in_end then 1 end) as n_open_end
    from movements
    group by week_end_date

),

final as (

    select
        weeks.week_end_date,
        weeks.previous_week_end_date,
        weeks.fiscal_year,
        weeks.fiscal_quarter,
        weeks.quarter_start_date,
        weeks.quarter_end_date,
        weeks.week_of_quarter,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {%- for col in ['open_start', 'new_amount', 'pulled_in', 'increased', 'decreased', 'pushed_out', 'won', 'lost', 'open_end'] %}
        {{ to_money('coalesce(summed.' ~ col ~ ', 0)') }} as {{ col }},
        {%- endfor %}
        {%- for col in ['n_open_start', 'n_new', 'n_pulled_in', 'n_pushed_out', 'n_won', 'n_lost', 'n_open_end'] %}
        cast(coalesce(summed.{{ col }}, 0) as integer) as {{ col }},
        {%- endfor %}
        {{ as_of_date() }} as as_of_date
    from weeks
    left join summed
        on summed.week_end_date = weeks.week_end_date
    where weeks.week_end_date > (select min(week_end_date) from weeks)

)

select * from final
