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
{{ config(materialized='table') }}

with

allocated as (

    select * from {{ ref('int_comp_credits_allocated') }}

),

plans_on_date as (

    select
        allocated.allocated_credit_id,
        count(*) as n_plans,
        min(plans.plan_id) as first_plan_id,
        max(plans.plan_id) as last_plan_id
    from allocated
    inner join {{ ref('int_comp_payee_plans_assigned') }} as plans
        on plans.user_id = allocated.payee_id
        and allocated.crediting_date between plans.valid_from_date and plans.valid_to_date
    group by 1

),

plans as (

    select
        allocated_credit_id,
        n_plans,
        case when n_plans = 1 then first_plan_id end as plan_id,
        first_plan_id,
        last_plan_id
    from plans_on_date

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
    reps.sales_role,
    reps.job_level,
    components.component,
    components.plan_currency,
    -- the cast wraps the whole expression: PostgreSQL drops the type modifier of a CASE
    cast(coalesce(fx.fx_rate, case when allocated.currency = components.plan_currency then 1 end) as decimal(18,8)) as fx_rate
from allocated
left join plans
    on plans.allocated_credit_id = allocated.allocated_credit_id
left join {{ ref('int_reps_assigned') }} as reps
    on reps.user_id = allocated.payee_id
    and allocated.crediting_date between reps.valid_from_date and reps.valid_to_date
left join components
    on components.plan_id = plans.plan_id
    and components.measure = allocated.measure
    and allocated.crediting_date between components.valid_from_date and components.valid_to_date
    and {{ comp_credit_type_listed('allocated.credit_type', 'components.credit_types') }}
left join fx
    on fx.plan_id = plans.plan_id
    and fx.currency = allocated.currency
