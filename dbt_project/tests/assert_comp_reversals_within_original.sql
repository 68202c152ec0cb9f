-- Clawback identity: every reversal (cancellation, return, credit-note part)
-- points at an existing credit of the same payee, component and credit type,
-- uses its plan rate, has the opposite sign, and all reversals of one credit
-- together never exceed it. Fails with one row per reversed credit that breaks
-- a rule.
with

credits as (

    select * from {{ ref('comp_credits') }}

),

reversals as (

    select
        cancels_credit_id,
        sum(credit_amount) as reversed,
        min(fx_rate) as min_rate,
        max(fx_rate) as max_rate,
        count(distinct payee_id || '|' || component || '|' || credit_type) as n_targets,
        max(payee_id || '|' || component || '|' || credit_type) as target
    from credits
    where cancels_credit_id is not null
    group by 1

)

select reversals.*, originals.credit_amount as original_amount, originals.fx_rate as original_rate
from reversals
left join credits as originals
    on originals.credit_id = reversals.cancels_credit_id
where originals.credit_id is null
   or reversals.n_targets <> 1
   or reversals.target <> originals.payee_id || '|' || originals.component || '|' || originals.credit_type
   or reversals.min_rate <> originals.fx_rate
   or reversals.max_rate <> originals.fx_rate
   or (originals.credit_amount >= 0 and (reversals.reversed > 0 or -reversals.reversed > originals.credit_amount))
   or (originals.credit_amount < 0 and (reversals.reversed < 0 or reversals.reversed > -originals.credit_amount))
