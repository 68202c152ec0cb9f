{%- set column_types = source_column_types(source('erp', 'customer')) %}
with

source as (

    select * from {{ source('erp', 'customer') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        customer_id,
        crm_account_id as account_id,

        -- strings
        name as customer_name,
        country,
        province,
        city,
        currency,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
