-- Pay for performance: one row per fiscal year x plan x component x YTD
-- attainment band, from each payee's latest period of the year in the engine
-- output (compensation.payouts, up to the as-of month).
--   payout_pct_of_ti      Σ earned_ytd / Σ (prorated TI x component weight) (null without TI data);
--   effective_rate        Σ earned_ytd / Σ credited_ytd (pay per unit of credit);
--   below threshold       a payee with credit this year (credited_ytd > 0) who earned nothing
--                         on the component (threshold or gate not met);
--   above cap             a payee at or above 100 % whose latest period brought new credit
--                         (credited > 0) but no new earning (earned = 0): extra performance
--                         is not paid, the cap binds.
-- Shares are of the band's payees.
with

months as (

    select month_start, fiscal_year
    from {{ ref('int_months_spined') }}

),

payouts as (

    select payouts.*, months.fiscal_year
    from {{ ref('stg_compensation__payouts') }} as payouts
    inner join months
        on months.month_start = payouts.period_start

),

latest as (

    select *
    from (
        select
            payouts.*,
            row_number() over (
                partition by payee_id, plan_id, component, fiscal_year
                order by period desc
            ) as n
        from payouts
    ) as ranked
    where n = 1

),

weights as (

    select plan_id, component, max(weight) as weight
    from {{ ref('stg_config__comp_plan_components') }}
    group by 1, 2

),

banded as (

    select
        latest.*,
        target_incentives.target_incentive * weights.weight as component_ti,
        case
            when latest.attainment is null then 'no quota'
            when latest.attainment < 0.5 then '0-50%'
            when latest.attainment < 0.75 then '50-75%'
            when latest.attainment < 1.0 then '75-100%'
            when latest.attainment < 1.25 then '100-125%'
            when latest.attainment < 1.5 then '125-150%'
            else '150%+'
        end as attainment_band,
        case
            when latest.attainment is null then 0
            when latest.attainment < 0.5 then 1
            when latest.attainment < 0.75 then 2
            when latest.attainment < 1.0 then 3
            when latest.attainment < 1.25 then 4
            when latest.attainment < 1.5 then 5
            else 6
        end as band_order,
        case when latest.credited_ytd > 0 and latest.earned_ytd = 0 then 1 else 0 end as is_below_threshold,
        case when latest.attainment >= 1 and latest.credited > 0 and latest.earned = 0 then 1 else 0 end as is_above_cap
    from latest
    left join weights
        on weights.plan_id = latest.plan_id
        and weights.component = latest.component
    left join {{ ref('stg_compensation__target_incentives') }} as target_incentives
        on target_incentives.payee_id = latest.payee_id
        and target_incentives.plan_id = latest.plan_id
        and target_incentives.fiscal_year = latest.fiscal_year

),

aggregated as (

    select
        fiscal_year,
        plan_id,
        component,
        attainment_band,
        band_order,
        max(currency) as currency,
        count(*) as n_payees,
        sum(attainment) as sum_attainment,
        count(attainment) as n_with_attainment,
        sum(credited_ytd) as credited_ytd,
        sum(earned_ytd) as earned_ytd,
        sum(component_ti) as target_incentive,
        sum(is_below_threshold) as n_below_threshold,
        sum(is_above_cap) as n_above_cap
    from banded
    group by 1, 2, 3, 4, 5

)

select
    cast(plan_id || ':' || component || ':' || cast(fiscal_year as {{ dbt.type_string() }}) || ':' || attainment_band
        as {{ dbt.type_string() }}) as pay_for_performance_id,
    cast(fiscal_year as integer) as fiscal_year,
    cast(plan_id as {{ dbt.type_string() }}) as plan_id,
    cast(component as {{ dbt.type_string() }}) as component,
    cast(attainment_band as {{ dbt.type_string() }}) as attainment_band,
    cast(band_order as integer) as band_order,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(n_payees as integer) as n_payees,
    {{ safe_divide('sum_attainment', 'n_with_attainment', 'rate') }} as avg_attainment,
    {{ to_money('credited_ytd') }} as credited_ytd,
    {{ to_money('earned_ytd') }} as earned_ytd,
    {{ to_money('round(target_incentive, 2)') }} as target_incentive,
    {{ safe_divide('earned_ytd', 'round(target_incentive, 2)', 'rate') }} as payout_pct_of_ti,
    {{ safe_divide('earned_ytd', 'credited_ytd', 'rate') }} as effective_rate,
    cast(n_below_threshold as integer) as n_below_threshold,
    {{ safe_divide('n_below_threshold', 'n_payees', 'rate') }} as share_below_threshold,
    cast(n_above_cap as integer) as n_above_cap,
    {{ safe_divide('n_above_cap', 'n_payees', 'rate') }} as share_above_cap
from aggregated
