{%- set column_types = source_column_types(source('crm', 'forecasting_quota')) %}
with

source as (

    select * from {{ source('crm', 'forecasting_quota') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as forecasting_quota_id,
        quota_owner_id as quota_owner_user_id,
        forecasting_type_id,

        -- strings
        product_family,
        currency_iso_code as currency,

        -- numerics
        {{ to_money('quota_amount') }} as quota_amount,

        -- dates
        start_date as quota_month,

        -- timestamps (UTC)
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
