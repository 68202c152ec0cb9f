with

source as (

    select * from {{ source('config', 'recognition_rules') }}

),

renamed as (

    select
        -- ids
        rule_id,

        -- strings
        rule_name,

        -- numerics
        fiscal_year,
        cast(min_ytd_attainment as {{ type_rate() }}) as min_ytd_attainment,

        -- booleans
        disqualify_flags as is_disqualified_by_flags

    from source

)

select * from renamed
