{%- set column_types = source_column_types(source('erp', 'sales_order_line')) %}
with

source as (

    select * from {{ source('erp', 'sales_order_line') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        order_line_id as sales_order_line_id,
        order_id as sales_order_id,
        product_code,

        -- numerics (money in the order's currency)
        cast(quantity as decimal(18,2)) as quantity,
        {{ to_money('unit_price') }} as unit_price,
        {{ to_money('line_amount') }} as line_amount,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
