with

source as (

    -- empty (same columns) until the owning domain's asset has written the table
    select * from {{ source_or_empty('config', 'comp_plan_fx') }}

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
