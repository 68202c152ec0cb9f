-- One row per creditable source transaction x measure known on the as-of date
-- (dated on or before it), with its signed amount in the transaction currency:
--   bookings          won opportunity, credit date = close date;
--   new_logos         the first won opportunity of an account (earliest close date, then id);
--   strategic_revenue the won opportunity's line items in the strategic product families
--                     (macro comp_strategic_families);
--   invoiced_revenue  ERP invoice (invoice date); a credit note is negative and reverses
--                     the last invoice of the returned order dated on or before it;
--   collected_cash    ERP payment (payment date);
--   reversals         a cancelled order reverses its opportunity's bookings / new_logos /
--                     strategic_revenue in full on the cancellation date; a return reverses
--                     the returned amount (strategic: the returned strategic lines) on the
--                     return date.
-- crediting_date is the date that decides payees' hierarchy, plan and FX: the
-- credit date, except for reversals, which take the reversed transaction's
-- credit date (a reversal undoes the original credit at its original rate).
-- margin is not produced: the demo ERP has no cost data (docs/crediting.md).
{{ config(materialized='table') }}

with

won as (

    select opportunity_id, account_id, currency, amount, close_date
    from {{ ref('int_opportunities_as_of') }}
    where is_won and close_date <= {{ as_of_date() }}

),

first_won as (

    select opportunity_id
    from (
        select
            opportunity_id,
            row_number() over (partition by account_id order by close_date, opportunity_id) as n
        from won
        where account_id is not null
    ) as ranked
    where n = 1

),

products as (

    select product_id, product_code, product_family,
        product_family in {{ comp_strategic_families() }} as is_strategic
    from {{ ref('stg_crm__products') }}

),

strategic_lines as (

    select line_items.opportunity_id, sum(line_items.total_price) as amount
    from {{ ref('stg_crm__opportunity_line_items') }} as line_items
    inner join products
        on products.product_id = line_items.product_id
    where products.is_strategic
    group by 1

),

orders as (

    select * from {{ ref('stg_erp__sales_orders') }}

),

invoices as (

    select invoices.*, orders.opportunity_id, orders.order_type, orders.original_sales_order_id
    from {{ ref('stg_erp__invoices') }} as invoices
    left join orders
        on orders.sales_order_id = invoices.sales_order_id
    where invoices.invoice_date <= {{ as_of_date() }}

),

-- opportunity measures: the original credits
opportunity_measures as (

    select 'bookings' as measure, opportunity_id, currency, amount, close_date
    from won

    union all

    select 'new_logos', won.opportunity_id, won.currency, won.amount, won.close_date
    from won
    inner join first_won
        on first_won.opportunity_id = won.opportunity_id

    union all

    select 'strategic_revenue', won.opportunity_id, won.currency, strategic_lines.amount, won.close_date
    from won
    inner join strategic_lines
        on strategic_lines.opportunity_id = won.opportunity_id
    where strategic_lines.amount <> 0

),

-- cancelled orders and returns of won opportunities
reversing_orders as (

    select
        orders.sales_order_id,
        orders.order_type,
        coalesce(orders.opportunity_id, original.opportunity_id) as opportunity_id,
        case when orders.order_type = 'return' then orders.order_date else orders.cancelled_date end as reversal_date,
        orders.order_amount
    from orders
    left join orders as original
        on original.sales_order_id = orders.original_sales_order_id
    where (orders.order_type = 'order' and orders.order_status = 'cancelled'
           and orders.cancelled_date <= {{ as_of_date() }})
       or (orders.order_type = 'return' and orders.order_date <= {{ as_of_date() }})

),

returned_strategic as (

    select order_lines.sales_order_id, sum(order_lines.line_amount) as amount
    from {{ ref('stg_erp__sales_order_lines') }} as order_lines
    inner join products
        on products.product_code = order_lines.product_code
    where products.is_strategic
    group by 1

),

original_invoices as (

    -- for each credit note: the invoice it reverses (last invoice of the returned order on or before it)
    select credit_note_id, invoice_id, invoice_date
    from (
        select
            credit_notes.invoice_id as credit_note_id,
            originals.invoice_id,
            originals.invoice_date,
            row_number() over (
                partition by credit_notes.invoice_id
                order by originals.invoice_date desc, originals.invoice_id desc
            ) as n
        from invoices as credit_notes
        inner join invoices as originals
            on originals.sales_order_id = coalesce(credit_notes.original_sales_order_id, credit_notes.sales_order_id)
            and originals.invoice_type = 'invoice'
            and originals.invoice_date <= credit_notes.invoice_date
        where credit_notes.invoice_type = 'credit_note'
    ) as ranked
    where n = 1

),

unioned as (

    select
        'opportunity' as source_type,
        opportunity_id as source_id,
        measure,
        opportunity_id,
        close_date as credit_date,
        close_date as crediting_date,
        amount,
        currency,
        cast(null as {{ dbt.type_string() }}) as cancels_source_type,
        cast(null as {{ dbt.type_string() }}) as cancels_source_id,
        case measure
            when 'bookings' then 'won opportunity, credited on its close date'
            when 'new_logos' then 'first won opportunity of the account (new logo), credited on its close date'
            else 'won opportunity lines in strategic product families, credited on its close date'
        end as transaction_rule
    from opportunity_measures

    union all

    select
        'sales_order',
        reversing_orders.sales_order_id,
        opportunity_measures.measure,
        opportunity_measures.opportunity_id,
        reversing_orders.reversal_date,
        opportunity_measures.close_date,
        -1 * case
            when reversing_orders.order_type = 'order' then opportunity_measures.amount
            when opportunity_measures.measure = 'strategic_revenue' then coalesce(returned_strategic.amount, 0)
            else reversing_orders.order_amount
        end,
        opportunity_measures.currency,
        'opportunity',
        opportunity_measures.opportunity_id,
        case when reversing_orders.order_type = 'order'
            then 'order cancelled: reverses the whole opportunity credit on the cancellation date at the original rate'
            else 'return: reverses the returned amount of the opportunity credit on the return date at the original rate'
        end
    from reversing_orders
    inner join opportunity_measures
        on opportunity_measures.opportunity_id = reversing_orders.opportunity_id
    left join returned_strategic
        on returned_strategic.sales_order_id = reversing_orders.sales_order_id
    where reversing_orders.order_type = 'order'
       or opportunity_measures.measure <> 'strategic_revenue'
       or coalesce(returned_strategic.amount, 0) <> 0

    union all

    select
        'invoice',
        invoices.invoice_id,
        'invoiced_revenue',
        invoices.opportunity_id,
        invoices.invoice_date,
        coalesce(original_invoices.invoice_date, invoices.invoice_date),
        case when invoices.invoice_type = 'credit_note' then -1 * invoices.invoice_amount else invoices.invoice_amount end,
        invoices.currency,
        case when invoices.invoice_type = 'credit_note' then 'invoice' end,
        original_invoices.invoice_id,
        case when invoices.invoice_type = 'credit_note'
            then 'credit note: reverses the returned order''s invoice on the credit-note date at the original rate'
            else 'invoice of the opportunity''s order, credited on the invoice date'
        end
    from invoices
    left join original_invoices
        on original_invoices.credit_note_id = invoices.invoice_id

    union all

    select
        'payment',
        payments.payment_id,
        'collected_cash',
        invoices.opportunity_id,
        payments.payment_date,
        payments.payment_date,
        payments.payment_amount,
        payments.currency,
        null,
        null,
        'payment received against an invoice of the opportunity''s order, credited on the payment date'
    from {{ ref('stg_erp__payments') }} as payments
    left join invoices
        on invoices.invoice_id = payments.invoice_id
    where payments.payment_date <= {{ as_of_date() }}

)

select
    source_type || ':' || source_id || ':' || measure as transaction_id,
    source_type,
    source_id,
    measure,
    opportunity_id,
    credit_date,
    crediting_date,
    {{ to_money('amount') }} as amount,
    currency,
    cancels_source_type,
    cancels_source_id,
    transaction_rule
from unioned
