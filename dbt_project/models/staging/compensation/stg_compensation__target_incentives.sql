-- Restricted (target incentive derives from salary): read only by the
-- aggregate analysis marts, never exposed per payee in marts. Optional: empty
-- (same columns) while the engine has not written the table, and then the
-- TI-based figures of the analysis marts are null.
with

source as (

    select * from {{ source_or_empty('compensation', 'target_incentives') }}

),

renamed as (

    select
        -- ids
        payee_id,
        plan_id,

        -- strings
        currency,

        -- numerics
        cast(fiscal_year as integer) as fiscal_year,
        {{ to_money('target_incentive') }} as target_incentive

    from source

)

select * from renamed
