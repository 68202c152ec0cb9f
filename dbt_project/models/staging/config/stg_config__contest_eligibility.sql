with

source as (

    select * from {{ source('config', 'contest_eligibility') }}

),

renamed as (

    select
        -- ids
        contest_id,

        -- strings
        dimension,
        value as eligible_value

    from source

)

select * from renamed
