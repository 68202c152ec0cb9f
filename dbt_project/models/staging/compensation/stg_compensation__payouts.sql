with

source as (

    -- empty (same columns) until the owning domain's asset has written the table
    select * from {{ source_or_empty('compensation', 'payouts') }}

),

renamed as (

    select
        -- ids
        payout_id,
        payee_id,
        plan_id,

        -- strings
        period,
        component,
        currency,

        -- numerics (money in the plan currency)
        {{ to_money('credited') }} as credited,
        {{ to_money('credited_ytd') }} as credited_ytd,
        {{ to_money('quota_ytd') }} as quota_ytd,
        cast(attainment as decimal(18,6)) as attainment,
        {{ to_money('earned') }} as earned,
        {{ to_money('earned_ytd') }} as earned_ytd,
        {{ to_money('paid_before') }} as paid_before,
        {{ to_money('adjustment') }} as adjustment,
        {{ to_money('clawback') }} as clawback,
        {{ to_money('draw') }} as draw,
        {{ to_money('draw_balance') }} as draw_balance,
        {{ to_money('net_payable') }} as net_payable,

        -- dates
        cast(period || '-01' as date) as period_start,

        -- timestamps (UTC)
        cast(calculated_at as {{ type_timestamptz() }}) as calculated_at

    from source

)

select * from renamed
