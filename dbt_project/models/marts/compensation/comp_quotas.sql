-- Quotas for the compensation engine: one row per payee x period x component.
-- The payee's plan is the one valid at the end of the month (or on the as-of
-- date in the as-of month; for a leaver, on their last day on a plan). Per component:
--   quota_source = 'targets' and a published target version covers the month:
--     the leaf rows (rep x product_line x month) of the latest published version in
--     force in that month (effective from a day in or before the month; latest
--     effective_from, then highest version: the rule of target-vs-actual and the quota push);
--   otherwise -- also for a person the version has no rows for, e.g. a rep hired
--   after it was planned -- the CRM forecasting_quota of the month (all-product rows).
-- strategic_revenue counts only the strategic product families (targets by
-- product_line, CRM rows by product_family). A component with owner / split /
-- overlay credit types gets the payee's own quota; a component with rollup gets
-- the quotas of everyone below the payee in the hierarchy valid on that day
-- (both, when it lists both). Amounts are converted to the plan currency at the
-- plan FX rate. Months without any quota amount for the payee have no row.
with

months as (

    select
        month_start,
        case when month_end > {{ as_of_date() }} then {{ as_of_date() }} else month_end end as reference_date
    from {{ ref('int_months_spined') }}

),

-- the payee's plan on the reference date: the month's last day (as-of date in the
-- as-of month) or, for a leaver or a plan that ended in the month, its last day on a
-- plan; a payee matching two plans that day gets no quota (its credits are
-- ambiguous_plan exceptions as well)
plans_on_date as (

    select month_start, reference_date, user_id, plan_id
    from (
        select
            months.month_start,
            least(months.reference_date, plans.valid_to_date) as reference_date,
            plans.user_id,
            plans.plan_id,
            rank() over (
                partition by plans.user_id, months.month_start
                order by least(months.reference_date, plans.valid_to_date) desc
            ) as recency,
            count(*) over (
                partition by plans.user_id, months.month_start, least(months.reference_date, plans.valid_to_date)
            ) as n_plans
        from months
        inner join {{ ref('int_comp_payee_plans_assigned') }} as plans
            on plans.valid_from_date <= months.reference_date
            and plans.valid_to_date >= months.month_start
    ) as ranked
    where recency = 1 and n_plans = 1

),

payee_components as (

    select
        plans.user_id as payee_id,
        plans.month_start,
        plans.reference_date,
        plans.plan_id,
        components.component,
        components.measure,
        components.credit_types,
        components.quota_source,
        components.plan_currency
    from plans_on_date as plans
    inner join {{ ref('stg_config__comp_plan_components') }} as components
        on components.plan_id = plans.plan_id
        and plans.reference_date between components.valid_from_date and components.valid_to_date

),

published_leaves as (

    select *
    from {{ ref('stg_planning__targets') }}
    where is_published
      and target_level = 'month'

),

version_in_force as (

    -- the rule shared with target-vs-actual and the quota push
    select month_start, plan_id, version from {{ ref('int_target_versions_in_force') }}

),

target_amounts as (

    select
        leaves.rep_id as user_id,
        leaves.month_start,
        leaves.currency,
        sum(leaves.target_amount) as all_amount,
        sum(case when leaves.product_line in {{ comp_strategic_families() }} then leaves.target_amount else 0 end) as strategic_amount
    from published_leaves as leaves
    inner join version_in_force
        on version_in_force.month_start = leaves.month_start
        and version_in_force.plan_id = leaves.plan_id
        and version_in_force.version = leaves.version
    where leaves.rep_id is not null
    group by 1, 2, 3

),

crm_amounts as (

    select
        quota_owner_user_id as user_id,
        {{ month_start('quota_month') }} as month_start,
        currency,
        sum(case when product_family is null then quota_amount else 0 end) as all_amount,
        sum(case when product_family in {{ comp_strategic_families() }} then quota_amount else 0 end) as strategic_amount
    from {{ ref('stg_crm__forecasting_quotas') }}
    group by 1, 2, 3

),

own_quotas as (

    select 'targets' as source, user_id, month_start, currency, all_amount, strategic_amount from target_amounts
    union all
    select 'crm', user_id, month_start, currency, all_amount, strategic_amount from crm_amounts

),

-- contributors: the payee itself (direct credit types) and/or everyone below it (rollup)
contributors as (

    select
        payee_components.*,
        payee_components.payee_id as contributor_id
    from payee_components
    where {{ comp_credit_type_listed("'owner'", 'payee_components.credit_types') }}
       or {{ comp_credit_type_listed("'split'", 'payee_components.credit_types') }}
       or {{ comp_credit_type_listed("'overlay'", 'payee_components.credit_types') }}

    union all

    select
        payee_components.*,
        chains.user_id as contributor_id
    from payee_components
    inner join {{ ref('int_comp_manager_chains') }} as chains
        on chains.ancestor_user_id = payee_components.payee_id
        and chains.depth >= 1
        and chains.user_id <> payee_components.payee_id
        and payee_components.reference_date between chains.valid_from_date and chains.valid_to_date
    where {{ comp_credit_type_listed("'rollup'", 'payee_components.credit_types') }}

),

sourced as (

    select
        contributors.payee_id,
        contributors.month_start,
        contributors.component,
        contributors.plan_id,
        contributors.plan_currency,
        case when contributors.quota_source = 'targets' and covered.user_id is not null
            then 'targets' else 'crm' end as source,
        contributors.measure,
        contributors.contributor_id
    from contributors
    -- per person and month: a rep the published version does not cover (e.g. hired after it
    -- was planned) keeps the CRM quota instead of having none
    left join (select distinct user_id, month_start from target_amounts) as covered
        on covered.month_start = contributors.month_start
        and covered.user_id = contributors.contributor_id

),

amounts as (

    select
        sourced.payee_id,
        sourced.month_start,
        sourced.component,
        -- a roll-up may mix contributors from the ledger and from the CRM
        case when min(sourced.source) = max(sourced.source) then min(sourced.source) else 'targets+crm' end as source,
        sourced.plan_currency,
        -- a quota in a currency the plan has no rate for makes the whole quota unknown (no row: the
        -- engine then holds the payee back with an exception) instead of silently lowering it
        case when count(*) = count(coalesce(fx.fx_rate, case when own_quotas.currency = sourced.plan_currency then 1 end))
            then sum(
                case when sourced.measure = 'strategic_revenue' then own_quotas.strategic_amount else own_quotas.all_amount end
                * coalesce(fx.fx_rate, case when own_quotas.currency = sourced.plan_currency then 1 end)
            )
        end as quota_amount
    from sourced
    inner join own_quotas
        on own_quotas.source = sourced.source
        and own_quotas.user_id = sourced.contributor_id
        and own_quotas.month_start = sourced.month_start
    left join {{ ref('stg_config__comp_plan_fx_rates') }} as fx
        on fx.plan_id = sourced.plan_id
        and fx.currency = own_quotas.currency
    group by sourced.payee_id, sourced.month_start, sourced.component, sourced.plan_currency

)

select
    cast(payee_id as {{ dbt.type_string() }}) as payee_id,
    cast({{ comp_period('month_start') }} as {{ dbt.type_string() }}) as period,
    cast(component as {{ dbt.type_string() }}) as component,
    cast(round(quota_amount, 2) as decimal(18,2)) as quota_amount,
    cast(plan_currency as {{ dbt.type_string() }}) as currency,
    cast(source as {{ dbt.type_string() }}) as source
from amounts
where quota_amount is not null
