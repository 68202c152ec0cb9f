{%- set column_types = source_column_types(source('crm', 'quote')) %}
with

source as (

    select * from {{ source('crm', 'quote') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as quote_id,
        opportunity_id,

        -- strings
        name as quote_name,
        status as quote_status,
        currency_iso_code as currency,

        -- numerics
        {{ to_money('subtotal') }} as subtotal,
        cast(discount * 0.01 as decimal(5,4)) as discount_fraction,
        {{ to_money('total_price') }} as total_price,

        -- booleans
        is_syncing,

        -- dates
        expiration_date,

        -- timestamps (UTC)
        {{ utc_timestamp('created_date', column_types) }} as created_at,
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
