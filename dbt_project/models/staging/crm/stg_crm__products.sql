{%- set column_types = source_column_types(source('crm', 'product_2')) %}
with

source as (

    select * from {{ source('crm', 'product_2') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as product_id,
        product_code,

        -- strings
        name as product_name,
        family as product_family,

        -- booleans
        is_active,

        -- timestamps (UTC)
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
