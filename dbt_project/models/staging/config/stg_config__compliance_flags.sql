with

source as (

    select * from {{ source('config', 'compliance_flags') }}

),

renamed as (

    select
        -- ids
        payee_id,

        -- strings
        flag,
        reason

    from source

)

select * from renamed
