{%- set column_types = source_column_types(source('erp', 'gl_expense')) %}
with

source as (

    select * from {{ source('erp', 'gl_expense') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        entry_id as gl_entry_id,
        gl_account,
        cost_center,

        -- strings
        expense_category,
        description as posting_text,
        currency,

        -- numerics (a reversal is a separate negative posting)
        {{ to_money('amount') }} as expense_amount,

        -- dates
        posting_date,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
