{%- set column_types = source_column_types(source('erp', 'sales_order')) %}
with

source as (

    select * from {{ source('erp', 'sales_order') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        order_id as sales_order_id,
        customer_id,
        crm_opportunity_id as opportunity_id,
        original_order_id as original_sales_order_id,

        -- strings
        order_type,
        status as order_status,
        currency,

        -- numerics (never negative: a return's sign comes from order_type)
        {{ to_money('total_amount') }} as order_amount,

        -- dates (company time zone)
        order_date,
        cancelled_date,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
