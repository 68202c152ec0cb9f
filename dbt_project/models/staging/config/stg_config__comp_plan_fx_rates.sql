with

source as (

    select * from {{ source('config', 'comp_plan_fx') }}

),

renamed as (

    select
        -- ids
        plan_id,

        -- strings
        currency,

        -- numerics: plan-currency units per unit of currency
        cast(rate as decimal(18,8)) as fx_rate

    from source

)

select * from renamed
