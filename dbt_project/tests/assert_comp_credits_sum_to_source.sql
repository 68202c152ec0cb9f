-- Money identity: for every credited transaction the owner + split amounts add
-- up exactly (to the cent) to the transaction amount, and each manager's
-- roll-up amount equals the sum of the direct amounts below it (so at most the
-- transaction amount). Fails with one row per transaction that differs.
with

allocated as (

    select credits.*, transactions.amount as transaction_amount
    from {{ ref('int_comp_credits_allocated') }} as credits
    inner join {{ ref('int_comp_transactions_unioned') }} as transactions
        on transactions.transaction_id = credits.transaction_id

),

direct as (

    select transaction_id, max(transaction_amount) as transaction_amount, sum(amount_original) as direct_total
    from allocated
    where credit_type in ('owner', 'split')
    group by 1

),

rollups as (

    select transaction_id, max(abs(amount_original)) as max_rollup
    from allocated
    where credit_type = 'rollup'
    group by 1

)

select direct.transaction_id, direct.transaction_amount, direct.direct_total, rollups.max_rollup
from direct
left join rollups
    on rollups.transaction_id = direct.transaction_id
where direct.direct_total <> direct.transaction_amount
   or rollups.max_rollup > abs(direct.transaction_amount)
