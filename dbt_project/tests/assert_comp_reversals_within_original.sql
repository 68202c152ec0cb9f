-- Clawback identity: reversals (cancellations, returns, credit notes) point at
-- an existing credit of the same payee, component and credit type, use its
-- plan rate, have the opposite sign and together never exceed what they
-- reverse: the opportunity credit for order cancellations / returns; for a
-- credit note, the credits of all invoices of the returned order (it points at
-- the last one, but an order invoiced in parts is returned across its parts).
-- A credit note converted as a whole may differ by one cent per invoice part
-- from the parts converted one by one (each rounded to the cent): that is the
-- only tolerance. Fails with one row per reversed credit that breaks a rule.
with

credits as (

    select * from {{ ref('comp_credits') }}

),

invoice_orders as (

    select invoice_id, sales_order_id from {{ ref('stg_erp__invoices') }}

),

reversals as (

    select
        cancels_credit_id,
        sum(credit_amount) as reversed,
        min(fx_rate) as min_rate,
        max(fx_rate) as max_rate,
        count(distinct payee_id || '|' || component || '|' || credit_type) as n_targets
    from credits
    where cancels_credit_id is not null
    group by 1

),

originals as (

    select reversals.cancels_credit_id, originals.payee_id, originals.component, originals.credit_type,
        originals.source_type, originals.source_id, originals.credit_amount, originals.fx_rate
    from reversals
    inner join credits as originals
        on originals.credit_id = reversals.cancels_credit_id

),

-- what the reversal may undo at most
reversible as (

    select originals.cancels_credit_id, sum(siblings.credit_amount) as reversible_amount,
        0.01 * count(*) as tolerance
    from originals
    inner join invoice_orders as original_invoice
        on original_invoice.invoice_id = originals.source_id
    inner join invoice_orders as sibling_invoices
        on sibling_invoices.sales_order_id = original_invoice.sales_order_id
    inner join credits as siblings
        on siblings.source_type = 'invoice'
        and siblings.source_id = sibling_invoices.invoice_id
        and siblings.payee_id = originals.payee_id
        and siblings.component = originals.component
        and siblings.credit_type = originals.credit_type
        and siblings.cancels_credit_id is null
    where originals.source_type = 'invoice'
    group by 1

    union all

    select cancels_credit_id, credit_amount, 0 as tolerance
    from originals
    where source_type <> 'invoice'

)

select reversals.*, originals.credit_amount as original_amount, reversible.reversible_amount, originals.fx_rate as original_rate
from reversals
left join originals
    on originals.cancels_credit_id = reversals.cancels_credit_id
left join reversible
    on reversible.cancels_credit_id = reversals.cancels_credit_id
where originals.cancels_credit_id is null
   or reversals.n_targets <> 1
   or reversals.min_rate <> originals.fx_rate
   or reversals.max_rate <> originals.fx_rate
   or (reversible.reversible_amount >= 0 and (reversals.reversed > 0 or -reversals.reversed > reversible.reversible_amount + reversible.tolerance))
   or (reversible.reversible_amount < 0 and (reversals.reversed < 0 or reversals.reversed > -reversible.reversible_amount + reversible.tolerance))
