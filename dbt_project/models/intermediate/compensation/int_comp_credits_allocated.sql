-- One row per source transaction x payee x credit type, in the transaction
-- currency, before plan mapping:
--   owner / split / overlay: the opportunity's direct payees (int_comp_opportunity_payees);
--     owner + split amounts are allocated with the largest-remainder method so
--     they add up to the transaction amount exactly (to the cent); overlay
--     amounts are amount x share rounded half away from zero.
--   rollup: each manager up the chain (int_comp_manager_chains, depth >= 1)
--     of an owner / split payee, valid on the crediting date; a manager above
--     several split owners gets one row with the sum of their shares and amounts.
-- Transactions without an opportunity, of an opportunity that cannot be
-- credited, or reversals without an original are left out here and listed in
-- comp_credit_exceptions. So are transactions whose crediting date falls on a
-- day on which no plan is in force: no payee could be paid on them (at demo
-- scale 10, 566k of 874k transactions, the years before the 2026 plans).
{{ config(materialized='table') }}

with

transactions as (

    select *
    from {{ ref('int_comp_transactions_unioned') }}
    where opportunity_id is not null
      and not (amount < 0 and cancels_source_id is null)
      and {{ comp_plan_in_force('crediting_date') }}

),

payees as (

    select * from {{ ref('int_comp_opportunity_payees') }}

),

direct as (

    select
        transactions.transaction_id,
        payees.payee_id,
        payees.credit_type,
        payees.split_share,
        case when transactions.amount < 0 then -1 else 1 end as sign,
        -- cents of |amount| x share, exact (share has 6 decimals); multiplications
        -- only (DuckDB divides decimals in DOUBLE)
        abs(transactions.amount) * 100 * payees.split_share as raw_cents
    from transactions
    inner join payees
        on payees.opportunity_id = transactions.opportunity_id

),

-- largest remainder, only where there is something to share out (revenue splits):
-- an owner row (share 1, alone by construction) is the transaction amount itself
revenue_allocated as (

    select
        transaction_id, payee_id, credit_type, split_share, sign, raw_cents,
        floor(raw_cents) as floor_cents,
        row_number() over (
            partition by transaction_id
            order by raw_cents - floor(raw_cents) desc, payee_id
        ) as remainder_rank,
        sum(floor(raw_cents)) over (partition by transaction_id) as total_floor_cents,
        sum(raw_cents) over (partition by transaction_id) as total_raw_cents
    from direct
    where credit_type = 'split'

),

direct_amounts as (

    select
        direct.transaction_id, direct.payee_id, direct.credit_type, direct.split_share,
        transactions.amount as amount_original
    from direct
    inner join transactions
        on transactions.transaction_id = direct.transaction_id
    where direct.credit_type = 'owner'

    union all

    select
        transaction_id, payee_id, credit_type, split_share,
        cast(sign * (floor_cents + case when remainder_rank <= total_raw_cents - total_floor_cents then 1 else 0 end) * 0.01
            as decimal(18,2)) as amount_original
    from revenue_allocated

    union all

    select
        transaction_id, payee_id, credit_type, split_share,
        cast(sign * round(raw_cents * 0.01, 2) as decimal(18,2)) as amount_original
    from direct
    where credit_type = 'overlay'

),

rollups as (

    select
        direct_amounts.transaction_id,
        chains.ancestor_user_id as payee_id,
        'rollup' as credit_type,
        cast(sum(direct_amounts.split_share) as decimal(9,6)) as split_share,
        cast(sum(direct_amounts.amount_original) as decimal(18,2)) as amount_original,
        min(chains.depth) as rollup_depth
    from direct_amounts
    inner join transactions
        on transactions.transaction_id = direct_amounts.transaction_id
    inner join {{ ref('int_comp_manager_chains') }} as chains
        on chains.user_id = direct_amounts.payee_id
        and transactions.crediting_date between chains.valid_from_date and chains.valid_to_date
        and chains.depth >= 1
        and chains.ancestor_user_id <> direct_amounts.payee_id
    where direct_amounts.credit_type in ('owner', 'split')
    group by 1, 2

),

allocated as (

    select transaction_id, payee_id, credit_type, split_share, amount_original, 0 as rollup_depth
    from direct_amounts

    union all

    select transaction_id, payee_id, credit_type, split_share, amount_original, rollup_depth
    from rollups

)

-- narrow on purpose (3.5 M rows at demo scale 10): the transaction's columns are
-- joined back in int_comp_credits_planned
select
    transaction_id || ':' || payee_id || ':' || credit_type as allocated_credit_id,
    transaction_id,
    payee_id,
    credit_type,
    split_share,
    amount_original,
    rollup_depth
from allocated
