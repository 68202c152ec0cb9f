-- Transactions (or direct credits) that the crediting rules could not credit,
-- each with the reason: nothing is dropped silently. One row per source
-- transaction x measure x payee (empty for transaction-level reasons) x reason.
--   revenue_splits_not_100     the opportunity's revenue splits do not total 100 %: no credit at all;
--   no_opportunity             an invoice / payment whose order has no CRM opportunity: no payee;
--   reversal_without_original  (part of) a credit note that no known invoice of the returned order covers;
--   no_plan                    an owner / split / overlay payee with no compensation plan on a crediting
--                              date on which some plan is in force (days outside every plan's
--                              eligibility are out of scope, not exceptions);
--   ambiguous_plan             such a payee matches two or more plans on the crediting date (config error);
--   no_fx_rate                 the payee's plan has no FX rate for the transaction currency.
-- (A payee whose plan has no component for the measure / credit type is not an
-- exception: the plan simply does not pay on it.)
with

transactions as (

    select * from {{ ref('int_comp_transactions_unioned') }}

),

checked as (

    select * from {{ ref('int_comp_opportunities_split_checked') }}

),

transaction_level as (

    select
        transactions.source_type, transactions.source_id, transactions.measure, transactions.credit_date,
        transactions.amount, transactions.currency,
        cast(null as {{ dbt.type_string() }}) as payee_id,
        cast(null as {{ dbt.type_string() }}) as plan_id,
        'revenue_splits_not_100' as reason_code,
        'revenue splits of opportunity ' || transactions.opportunity_id || ' total '
            || cast(cast(checked.revenue_split_total * 100 as decimal(9,4)) as {{ dbt.type_string() }})
            || '%, must be 100%: not credited' as reason
    from transactions
    inner join checked
        on checked.opportunity_id = transactions.opportunity_id
    where not checked.is_creditable

    union all

    select
        source_type, source_id, measure, credit_date, amount, currency,
        null, null,
        'no_opportunity',
        source_type || ' ' || source_id || ' belongs to an order without a CRM opportunity: no payee to credit'
    from transactions
    where opportunity_id is null

    union all

    select
        source_type, source_id, measure, credit_date, amount, currency,
        null, null,
        'reversal_without_original',
        'credit note ' || source_id || ' reverses revenue that no known invoice of the returned order covers: not credited'
    from transactions
    where opportunity_id is not null
      and amount < 0
      and cancels_source_id is null

),

credit_level as (

    select
        source_type, source_id, measure, credit_date, transaction_amount as amount, currency,
        payee_id,
        plan_id,
        case
            when n_plans > 1 then 'ambiguous_plan'
            when plan_id is null then 'no_plan'
            else 'no_fx_rate'
        end as reason_code,
        case
            when n_plans > 1
            then 'payee ' || payee_id || ' matches ' || cast(n_plans as {{ dbt.type_string() }}) || ' plans on '
                || cast(crediting_date as {{ dbt.type_string() }}) || ' (' || first_plan_id || ' .. ' || last_plan_id
                || '): fix the plan eligibility'
            when plan_id is null
            then 'payee ' || payee_id || ' has no compensation plan on '
                || cast(crediting_date as {{ dbt.type_string() }})
                || ' (HR role ' || coalesce(sales_role, 'none') || ', level ' || coalesce(job_level, 'none') || ')'
            else 'plan ' || plan_id || ' has no FX rate for ' || currency
        end as reason
    from {{ ref('int_comp_credits_planned') }} as planned
    where credit_type <> 'rollup'
      and (
          n_plans > 1
          or (component is not null and fx_rate is null)
          -- no plan: only on days some plan is in force (before the first plan year
          -- or after the last one nothing is credited to anyone: not an exception)
          or (n_plans = 0 and {{ comp_plan_in_force('planned.crediting_date') }})
      )

),

unioned as (

    select * from transaction_level
    union all
    select distinct * from credit_level

)

select
    cast(source_type || ':' || source_id || ':' || measure || ':' || coalesce(payee_id, '') || ':' || reason_code
        as {{ dbt.type_string() }}) as exception_id,
    cast(source_type as {{ dbt.type_string() }}) as source_type,
    cast(source_id as {{ dbt.type_string() }}) as source_id,
    cast(measure as {{ dbt.type_string() }}) as measure,
    cast(payee_id as {{ dbt.type_string() }}) as payee_id,
    cast(plan_id as {{ dbt.type_string() }}) as plan_id,
    credit_date,
    cast({{ comp_period('credit_date') }} as {{ dbt.type_string() }}) as period,
    {{ to_money('amount') }} as amount,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(reason_code as {{ dbt.type_string() }}) as reason_code,
    cast(reason as {{ dbt.type_string() }}) as reason
from unioned
