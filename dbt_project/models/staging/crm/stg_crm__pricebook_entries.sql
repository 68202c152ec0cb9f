{%- set column_types = source_column_types(source('crm', 'pricebook_entry')) %}
with

source as (

    select * from {{ source('crm', 'pricebook_entry') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as pricebook_entry_id,
        product_2_id as product_id,

        -- strings
        currency_iso_code as currency,

        -- numerics
        {{ to_money('unit_price') }} as list_price,

        -- booleans
        is_active,

        -- timestamps (UTC)
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
