with

source as (

    select * from {{ source('config', 'funnel_required_fields') }}

),

renamed as (

    select
        stage_name || ':' || field_name as stage_field_id,
        stage_name,
        field_name
    from source

)

select * from renamed
