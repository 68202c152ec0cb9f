{%- set column_types = source_column_types(source('hr', 'org_unit')) %}
with

source as (

    select * from {{ source('hr', 'org_unit') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        org_unit_id,
        parent_org_unit_id,
        cost_center,

        -- strings
        name as org_unit_name,
        unit_type,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
