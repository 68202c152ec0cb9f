{%- set column_types = source_column_types(source('crm', 'user')) %}
with

source as (

    select * from {{ source('crm', 'user') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as user_id,
        employee_number as employee_id,
        user_role_id,
        manager_id as manager_user_id,

        -- strings
        name as user_name,
        email,
        title,
        default_currency_iso_code as default_currency,

        -- booleans
        is_active,

        -- timestamps (UTC)
        {{ utc_timestamp('created_date', column_types) }} as created_at,
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
