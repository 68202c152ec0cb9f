with

source as (

    select * from {{ source('config', 'contests') }}

),

renamed as (

    select
        -- ids
        contest_id,

        -- strings
        contest_name,
        source as line_source,
        measure,
        ranking_by,
        ranking_order,
        tie_break_1,
        tie_break_2,
        tie_break_3,

        -- numerics
        cast(min_value as {{ type_rate() }}) as min_value,

        -- dates
        start_date,
        end_date

    from source

)

select * from renamed
