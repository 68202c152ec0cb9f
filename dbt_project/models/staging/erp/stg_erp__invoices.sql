{%- set column_types = source_column_types(source('erp', 'invoice')) %}
with

source as (

    select * from {{ source('erp', 'invoice') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        invoice_id,
        order_id as sales_order_id,
        customer_id,

        -- strings
        invoice_type,
        currency,

        -- numerics (never negative: a credit note's sign comes from invoice_type)
        {{ to_money('amount') }} as invoice_amount,

        -- dates
        invoice_date,
        due_date,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
