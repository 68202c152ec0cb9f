-- The crediting ledger: one row per source transaction x payee x component.
-- Rules: int_comp_transactions_unioned (what is credited, when),
-- int_comp_opportunity_payees (owner / split / overlay shares),
-- int_comp_credits_allocated (exact allocation, manager roll-up on the credit date),
-- int_comp_credits_planned (plan, component, FX on the crediting date).
-- A reversal (cancelled order, return, credit note) is negative and points at
-- the credit it reverses (cancels_credit_id); it keeps that credit's plan,
-- component and FX rate and is booked in the period of its own date.
with

planned as (

    select *
    from {{ ref('int_comp_credits_planned') }}
    where component is not null
      and fx_rate is not null

),

final as (

    select
        -- ids
        cast(source_type || ':' || source_id || ':' || payee_id || ':' || component || ':' || credit_type as {{ dbt.type_string() }}) as credit_id,
        cast(payee_id as {{ dbt.type_string() }}) as payee_id,
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(component as {{ dbt.type_string() }}) as component,
        cast(measure as {{ dbt.type_string() }}) as measure,
        cast(credit_type as {{ dbt.type_string() }}) as credit_type,
        cast(source_type as {{ dbt.type_string() }}) as source_type,
        cast(source_id as {{ dbt.type_string() }}) as source_id,
        cast(case when cancels_source_id is not null
            then cancels_source_type || ':' || cancels_source_id || ':' || payee_id || ':' || component || ':' || credit_type
        end as {{ dbt.type_string() }}) as cancels_credit_id,

        -- dates
        credit_date,
        cast({{ comp_period('credit_date') }} as {{ dbt.type_string() }}) as period,

        -- numerics
        cast(split_share as decimal(9,6)) as split_share,
        cast(amount_original as decimal(18,2)) as amount_original,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(fx_rate as decimal(18,8)) as fx_rate,
        cast(round(amount_original * fx_rate, 2) as decimal(18,2)) as credit_amount,
        cast(plan_currency as {{ dbt.type_string() }}) as plan_currency,

        -- the rule, human readable
        cast(
            transaction_rule || '; '
            || case credit_type
                when 'owner' then 'owner credit (no revenue splits), share 100%'
                when 'split' then 'revenue split, share ' || cast(cast(split_share * 100 as decimal(9,4)) as {{ dbt.type_string() }}) || '%'
                when 'overlay' then 'overlay split, share ' || cast(cast(split_share * 100 as decimal(9,4)) as {{ dbt.type_string() }}) || '%'
                else 'manager roll-up (level ' || cast(rollup_depth as {{ dbt.type_string() }}) || ' up, hierarchy valid on '
                    || cast(crediting_date as {{ dbt.type_string() }}) || '), share ' || cast(cast(split_share * 100 as decimal(9,4)) as {{ dbt.type_string() }}) || '%'
            end
            || '; plan ' || plan_id || ' component ' || component
            || '; FX ' || currency || '->' || plan_currency || ' at plan rate ' || cast(fx_rate as {{ dbt.type_string() }})
        as {{ dbt.type_string() }}) as rule

    from planned

)

select * from final
