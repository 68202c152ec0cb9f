{%- set column_types = source_column_types(source('erp', 'payment')) %}
with

source as (

    select * from {{ source('erp', 'payment') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        payment_id,
        invoice_id,

        -- strings
        currency,

        -- numerics
        {{ to_money('amount') }} as payment_amount,

        -- dates
        payment_date,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
