{%- set column_types = source_column_types(source('crm', 'quote_line_item')) %}
with

source as (

    select * from {{ source('crm', 'quote_line_item') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as quote_line_item_id,
        quote_id,
        product_2_id as product_id,

        -- numerics (money in the quote's currency)
        cast(quantity as decimal(18,2)) as quantity,
        {{ to_money('list_price') }} as list_price,
        {{ to_money('unit_price') }} as unit_price,
        cast(discount * 0.01 as decimal(5,4)) as discount_fraction,
        {{ to_money('total_price') }} as total_price,

        -- timestamps (UTC)
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
