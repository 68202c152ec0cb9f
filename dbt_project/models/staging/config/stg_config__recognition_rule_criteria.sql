with

source as (

    select * from {{ source('config', 'recognition_rule_criteria') }}

),

renamed as (

    select
        -- ids
        rule_id,

        -- strings
        dimension,
        value as criterion_value

    from source

)

select * from renamed
