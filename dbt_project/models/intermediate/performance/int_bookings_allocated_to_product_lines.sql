-- One row per won opportunity x product line: the opportunity's bookings
-- (amount_reporting, owner credit) split over its line items' product
-- families in proportion to their total_price, rounded to the cent; the
-- rounding remainder goes to the opportunity's largest line, so the lines of
-- an opportunity add up to its amount_reporting exactly. Opportunities without
-- line items get product_line '(none)'. Month = close month (a close date
-- after the as-of month counts in the as-of month, as in rep_monthly_kpis).
with

won as (

    select
        opportunity_id,
        owner_user_id,
        amount_reporting,
        least({{ month_start('close_date') }}, {{ as_of_month() }}) as month_start
    from {{ ref('int_opportunities_as_of') }}
    where is_won

),

lines as (

    select
        items.opportunity_id,
        coalesce(products.product_family, '(unknown)') as product_line,
        sum(items.total_price) as line_total
    from {{ ref('stg_crm__opportunity_line_items') }} as items
    left join {{ ref('stg_crm__products') }} as products
        on products.product_id = items.product_id
    group by items.opportunity_id, coalesce(products.product_family, '(unknown)')

),

shares as (

    select
        lines.opportunity_id,
        lines.product_line,
        lines.line_total,
        sum(lines.line_total) over (partition by lines.opportunity_id) as opportunity_total,
        row_number() over (partition by lines.opportunity_id order by lines.line_total desc, lines.product_line) as line_rank
    from lines

),

allocated as (

    select
        won.opportunity_id,
        won.owner_user_id,
        won.month_start,
        coalesce(shares.product_line, '(none)') as product_line,
        won.amount_reporting,
        shares.line_rank,
        case
            when shares.opportunity_id is null or shares.opportunity_total = 0
                then case when coalesce(shares.line_rank, 1) = 1 then won.amount_reporting else {{ to_money(0) }} end
            else {{ to_money('won.amount_reporting * ' ~ exact_divide('shares.line_total', 'shares.opportunity_total', 10)) }}
        end as rounded_amount
    from won
    left join shares
        on shares.opportunity_id = won.opportunity_id

),

final as (

    select
        opportunity_id,
        owner_user_id,
        product_line,
        month_start,
        {{ to_money(
            'rounded_amount + case when coalesce(line_rank, 1) = 1
                then amount_reporting - sum(rounded_amount) over (partition by opportunity_id) else 0 end'
        ) }} as bookings
    from allocated

)

select * from final
