-- One row per allocated credit (int_comp_credits_allocated) x matching plan
-- component, or one row with a null component when the payee has no plan /
-- no component for the measure and credit type on the crediting date:
-- the payee's plan valid on the crediting date (int_comp_payee_plans_assigned),
-- the plan's components valid then whose measure matches and whose credit_types
-- list the credit type, and the plan FX rate (1 for the plan currency itself
-- unless configured). A payee on two plans on the crediting date gets no plan
-- (n_plans > 1). comp_credits keeps the rows with a component and a rate;
-- comp_credit_exceptions reports direct credits without a plan (none or
-- ambiguous) or without a rate.
{{ config(materialized='view') }}

with

allocated as (

    select
        transactions.transaction_id,
        transactions.source_type,
        transactions.source_id,
        transactions.measure,
        transactions.opportunity_id,
        transactions.credit_date,
        transactions.crediting_date,
        transactions.amount as transaction_amount,
        transactions.currency,
        transactions.cancels_source_type,
        transactions.cancels_source_id,
        transactions.transaction_rule,
        credits.allocated_credit_id,
        credits.payee_id,
        credits.credit_type,
        credits.split_share,
        credits.amount_original,
        credits.rollup_depth
    from {{ ref('int_comp_credits_allocated') }} as credits
    inner join {{ ref('int_comp_transactions_unioned') }} as transactions
        on transactions.transaction_id = credits.transaction_id

),

-- plan and HR role per payee x crediting date: computed once per distinct pair
-- (a few thousand), not per credit row
payee_dates as (

    select distinct payee_id, crediting_date
    from allocated

),

plans_on_date as (

    select
        payee_dates.payee_id,
        payee_dates.crediting_date,
        count(*) as n_plans,
        min(plans.plan_id) as first_plan_id,
        max(plans.plan_id) as last_plan_id
    from payee_dates
    inner join {{ ref('int_comp_payee_plans_assigned') }} as plans
        on plans.user_id = payee_dates.payee_id
        and payee_dates.crediting_date between plans.valid_from_date and plans.valid_to_date
    group by 1, 2

),

plans as (

    select
        payee_dates.payee_id,
        payee_dates.crediting_date,
        coalesce(plans_on_date.n_plans, 0) as n_plans,
        case when plans_on_date.n_plans = 1 then plans_on_date.first_plan_id end as plan_id,
        plans_on_date.first_plan_id,
        plans_on_date.last_plan_id,
        reps.sales_role,
        reps.job_level
    from payee_dates
    left join plans_on_date
        on plans_on_date.payee_id = payee_dates.payee_id
        and plans_on_date.crediting_date = payee_dates.crediting_date
    left join {{ ref('int_reps_assigned') }} as reps
        on reps.user_id = payee_dates.payee_id
        and payee_dates.crediting_date between reps.valid_from_date and reps.valid_to_date

),

components as (

    select * from {{ ref('stg_config__comp_plan_components') }}

),

fx as (

    select * from {{ ref('stg_config__comp_plan_fx_rates') }}

)

select
    allocated.*,
    plans.plan_id,
    coalesce(plans.n_plans, 0) as n_plans,
    plans.first_plan_id,
    plans.last_plan_id,
    plans.sales_role,
    plans.job_level,
    components.component,
    components.plan_currency,
    -- the cast wraps the whole expression: PostgreSQL drops the type modifier of a CASE
    cast(coalesce(fx.fx_rate, case when allocated.currency = components.plan_currency then 1 end) as decimal(18,8)) as fx_rate
from allocated
left join plans
    on plans.payee_id = allocated.payee_id
    and plans.crediting_date = allocated.crediting_date
left join components
    on components.plan_id = plans.plan_id
    and components.measure = allocated.measure
    and allocated.crediting_date between components.valid_from_date and components.valid_to_date
    and {{ comp_credit_type_listed('allocated.credit_type', 'components.credit_types') }}
left join fx
    on fx.plan_id = plans.plan_id
    and fx.currency = allocated.currency
