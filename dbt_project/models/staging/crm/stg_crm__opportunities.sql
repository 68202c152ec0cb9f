-- Keeps soft-deleted rows (is_deleted, deleted_at): a past as-of date must still
-- see a row that was deleted later. Consumers filter on deleted_at themselves.
{%- set column_types = source_column_types(source('crm', 'opportunity')) %}
with

source as (

    select * from {{ source('crm', 'opportunity') }}

),

renamed as (

    select
        -- ids
        id as opportunity_id,
        account_id,
        owner_id as owner_user_id,

        -- strings
        name as opportunity_name,
        stage_name,
        forecast_category_name as forecast_category,
        type as opportunity_type,
        lead_source,
        next_step,
        currency_iso_code as currency,

        -- numerics
        {{ to_money('amount') }} as amount,
        cast(probability * 0.01 as {{ type_probability() }}) as probability,

        -- booleans
        is_closed,
        is_won,
        coalesce(is_deleted, false) as is_deleted,

        -- dates
        close_date,

        -- timestamps (UTC)
        {{ utc_timestamp('created_date', column_types) }} as created_at,
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at,
        case when coalesce(is_deleted, false) then {{ utc_timestamp('system_modstamp', column_types) }} end as deleted_at

    from source

)

select * from renamed
