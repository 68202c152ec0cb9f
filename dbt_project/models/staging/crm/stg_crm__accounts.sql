{%- set column_types = source_column_types(source('crm', 'account')) %}
with

source as (

    select * from {{ source('crm', 'account') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as account_id,
        owner_id as owner_user_id,

        -- strings
        name as account_name,
        type as account_type,
        industry,
        segment_c as segment,
        billing_country,
        billing_state,
        billing_city,

        -- numerics (money in CNY per the contract)
        {{ to_money('annual_revenue') }} as annual_revenue,
        {{ to_money('potential_amount_c') }} as potential_amount,
        cast('CNY' as {{ dbt.type_string() }}) as currency,
        cast(number_of_employees as integer) as number_of_employees,

        -- booleans
        is_key_account_c as is_key_account,

        -- timestamps (UTC)
        {{ utc_timestamp('created_date', column_types) }} as created_at,
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
