with

source as (

    select * from {{ source('config', 'funnel_stages') }}

),

renamed as (

    select
        -- strings
        stage_name,
        forecast_category,
        talk_track,
        skill_focus,

        -- numerics
        cast(stage_order as integer) as stage_order,
        cast(default_probability as {{ type_probability() }}) as default_probability,
        cast(max_days_in_stage as integer) as max_days_in_stage,

        -- booleans
        is_closed,
        is_won

    from source

)

select * from renamed
