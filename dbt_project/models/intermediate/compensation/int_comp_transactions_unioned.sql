-- One row per creditable source transaction x measure known on the as-of date
-- (dated on or before it), with its signed amount in the transaction currency:
--   bookings          won opportunity, credit date = close date;
--   new_logos         the first won opportunity of an account (earliest close date, then id);
--   strategic_revenue the won opportunity's line items in the strategic product families
--                     (macro comp_strategic_families);
--   invoiced_revenue  ERP invoice (invoice date); a credit note is negative and reverses
--                     the returned order's invoices, each up to its amount (see
--                     credit_note_parts): one row per reversed invoice, source_id the credit
--                     note id (further parts '<credit note>/<invoice>', an unmatched rest
--                     '<credit note>/unmatched', listed as an exception);
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

-- each credit note reverses the invoices of the returned order known on the
-- as-of date, each up to its amount: first those dated on or before it (latest
-- first), then later ones (earliest first: a credit note issued before the
-- last part was invoiced). A part is dated the later of the credit note and the
-- invoice (an invoice is never reversed before it is credited). What exceeds
-- all known invoices cannot be matched: it stays a reversal without an original.
credit_note_parts as (

    select
        credit_notes.invoice_id as credit_note_id,
        credit_notes.invoice_date as credit_note_date,
        credit_notes.invoice_amount as credit_note_amount,
        originals.invoice_id,
        originals.invoice_date,
        originals.invoice_amount,
        row_number() over (
            partition by credit_notes.invoice_id
            order by
                case when originals.invoice_date <= credit_notes.invoice_date then 0 else 1 end,
                case when originals.invoice_date <= credit_notes.invoice_date then originals.invoice_date end desc,
                originals.invoice_date,
                originals.invoice_id
        ) as part
    from invoices as credit_notes
    inner join invoices as originals
        on originals.sales_order_id = coalesce(credit_notes.original_sales_order_id, credit_notes.sales_order_id)
        and originals.invoice_type = 'invoice'
    where credit_notes.invoice_type = 'credit_note'

),

credit_note_covered as (

    select
        credit_note_parts.*,
        coalesce(sum(invoice_amount) over (
            partition by credit_note_id order by part rows between unbounded preceding and 1 preceding
        ), 0) as covered_before
    from credit_note_parts

),

credit_note_reversals as (

    -- matched parts
    select
        case when part = 1 then credit_note_id else credit_note_id || '/' || invoice_id end as source_id,
        credit_note_id,
        case when invoice_date > credit_note_date then invoice_date else credit_note_date end as credit_date,
        invoice_date as crediting_date,
        case when credit_note_amount - covered_before < invoice_amount
            then credit_note_amount - covered_before else invoice_amount end as reversed_amount,
        invoice_id as cancels_invoice_id
    from credit_note_covered
    where credit_note_amount > covered_before

    union all

    -- the part no known invoice covers (the whole credit note when the order has no invoice)
    select
        case when coalesce(covered.n_parts, 0) = 0 then credit_notes.invoice_id else credit_notes.invoice_id || '/unmatched' end,
        credit_notes.invoice_id,
        credit_notes.invoice_date,
        credit_notes.invoice_date,
        credit_notes.invoice_amount - coalesce(covered.covered_total, 0),
        null
    from invoices as credit_notes
    left join (
        select credit_note_id, count(*) as n_parts, sum(invoice_amount) as covered_total
        from credit_note_parts
        group by 1
    ) as covered
        on covered.credit_note_id = credit_notes.invoice_id
    where credit_notes.invoice_type = 'credit_note'
      and credit_notes.invoice_amount > coalesce(covered.covered_total, 0)

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
        invoices.invoice_date,
        invoices.invoice_amount,
        invoices.currency,
        null,
        null,
        'invoice of the opportunity''s order, credited on the invoice date'
    from invoices
    where invoices.invoice_type = 'invoice'

    union all

    select
        'invoice',
        credit_note_reversals.source_id,
        'invoiced_revenue',
        credit_notes.opportunity_id,
        credit_note_reversals.credit_date,
        credit_note_reversals.crediting_date,
        -1 * credit_note_reversals.reversed_amount,
        credit_notes.currency,
        case when credit_note_reversals.cancels_invoice_id is not null then 'invoice' end,
        credit_note_reversals.cancels_invoice_id,
        'credit note ' || credit_note_reversals.credit_note_id || ': reverses '
            || coalesce('invoice ' || credit_note_reversals.cancels_invoice_id || ' of the returned order', 'revenue no known invoice covers')
            || ' at the original rate, on the later of the credit-note and invoice dates'
    from credit_note_reversals
    inner join invoices as credit_notes
        on credit_notes.invoice_id = credit_note_reversals.credit_note_id

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
