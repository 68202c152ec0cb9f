-- Bonus budget vs actual: one row per fiscal year x plan x component.
--   target_incentive  Σ over the plan's payees of their prorated annual TI
--                     (stg_compensation__target_incentives) x the component weight;
--   expected_payout_fraction  Σ share x payout over the forecast attainment
--                     distribution (var comp_forecast_attainment_distribution);
--   bonus_budget      target_incentive x expected_payout_fraction (the annual budget);
--   budget_to_date    bonus_budget x elapsed periods of the year / 12;
--   earned_to_date    Σ earned (after true-up) in the year's periods up to the as-of month,
--                     from the engine output; adjustments and clawbacks are shown apart;
--   variance_to_date  earned_to_date + adjustments + clawbacks - budget_to_date.
-- TI-based columns are null while compensation.target_incentives is absent.
with

months as (

    select month_start, fiscal_year, fiscal_month
    from {{ ref('int_months_spined') }}

),

payouts as (

    select payouts.*, months.fiscal_year, months.fiscal_month
    from {{ ref('stg_compensation__payouts') }} as payouts
    inner join months
        on months.month_start = payouts.period_start

),

components as (

    -- the component's weight in the fiscal year (the row valid at the year's end or last valid)
    select plan_id, component, fiscal_year, weight, plan_currency
    from (
        select
            components.plan_id, components.component, months.fiscal_year, components.weight, components.plan_currency,
            row_number() over (
                partition by components.plan_id, components.component, months.fiscal_year
                order by components.valid_from_date desc
            ) as n
        from {{ ref('stg_config__comp_plan_components') }} as components
        inner join months
            on months.month_start between {{ month_start('components.valid_from_date') }} and components.valid_to_date
    ) as ranked
    where n = 1

),

target_incentives as (

    select plan_id, fiscal_year, count(distinct payee_id) as n_payees_with_ti, sum(target_incentive) as target_incentive
    from {{ ref('stg_compensation__target_incentives') }}
    group by 1, 2

),

actuals as (

    select
        fiscal_year,
        plan_id,
        component,
        max(currency) as currency,
        count(distinct payee_id) as n_payees,
        count(distinct period) as n_periods,
        max(fiscal_month) as last_fiscal_month,
        sum(earned) as earned_to_date,
        sum(adjustment) as adjustments_to_date,
        sum(clawback) as clawbacks_to_date
    from payouts
    group by 1, 2, 3

),

joined as (

    select
        actuals.fiscal_year,
        actuals.plan_id,
        actuals.component,
        coalesce(components.plan_currency, actuals.currency) as currency,
        actuals.n_payees,
        actuals.last_fiscal_month,
        components.weight,
        {{ comp_expected_payout_fraction() }} as expected_payout_fraction,
        target_incentives.target_incentive * components.weight as component_target_incentive,
        actuals.earned_to_date,
        actuals.adjustments_to_date,
        actuals.clawbacks_to_date
    from actuals
    left join components
        on components.plan_id = actuals.plan_id
        and components.component = actuals.component
        and components.fiscal_year = actuals.fiscal_year
    left join target_incentives
        on target_incentives.plan_id = actuals.plan_id
        and target_incentives.fiscal_year = actuals.fiscal_year

),

budgeted as (

    select
        joined.*,
        round(component_target_incentive * expected_payout_fraction, 2) as bonus_budget
    from joined

),

final as (

    select
        budgeted.*,
        {{ safe_divide('bonus_budget * last_fiscal_month', '12', 'money') }} as budget_to_date
    from budgeted

)

select
    cast(plan_id || ':' || component || ':' || cast(fiscal_year as {{ dbt.type_string() }}) as {{ dbt.type_string() }}) as bonus_budget_id,
    cast(fiscal_year as integer) as fiscal_year,
    cast(plan_id as {{ dbt.type_string() }}) as plan_id,
    cast(component as {{ dbt.type_string() }}) as component,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(n_payees as integer) as n_payees,
    cast(weight as decimal(9,6)) as component_weight,
    cast(last_fiscal_month as integer) as elapsed_fiscal_months,
    {{ to_money('round(component_target_incentive, 2)') }} as target_incentive,
    cast(expected_payout_fraction as decimal(18,6)) as expected_payout_fraction,
    {{ to_money('bonus_budget') }} as bonus_budget,
    {{ to_money('budget_to_date') }} as budget_to_date,
    {{ to_money('earned_to_date') }} as earned_to_date,
    {{ to_money('adjustments_to_date') }} as adjustments_to_date,
    {{ to_money('clawbacks_to_date') }} as clawbacks_to_date,
    {{ to_money('earned_to_date + adjustments_to_date + clawbacks_to_date - budget_to_date') }} as variance_to_date
from final
