-- Nothing is dropped silently: every creditable transaction known on the
-- as-of date and dated when some plan is in force either has allocated credits
-- or appears in comp_credit_exceptions (an opportunity with no payee rows at
-- all -- e.g. no revenue split payee and no owner -- would otherwise vanish).
-- Fails with one row per transaction lost.
select transactions.transaction_id, transactions.source_type, transactions.source_id, transactions.measure
from {{ ref('int_comp_transactions_unioned') }} as transactions
where {{ comp_plan_in_force('transactions.crediting_date') }}
  and not exists (
        select 1 from {{ ref('int_comp_credits_allocated') }} as allocated
        where allocated.transaction_id = transactions.transaction_id
    )
  and not exists (
        select 1 from {{ ref('comp_credit_exceptions') }} as exceptions
        where exceptions.source_type = transactions.source_type
          and exceptions.source_id = transactions.source_id
          and exceptions.measure = transactions.measure
    )
