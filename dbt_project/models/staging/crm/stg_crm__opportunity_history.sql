-- Keeps soft-deleted rows (is_deleted, deleted_at): a past as-of date must still
-- see a row that was deleted later. Consumers filter on deleted_at themselves.
{%- set column_types = source_column_types(source('crm', 'opportunity_history')) %}
with

source as (

    select * from {{ source('crm', 'opportunity_history') }}

),

renamed as (

    select
        -- ids
        id as opportunity_history_id,
        opportunity_id,

        -- strings
        stage_name,
        forecast_category,

        -- numerics
        {{ to_money('amount') }} as amount,
        cast(probability * 0.01 as {{ type_probability() }}) as probability,

        -- booleans
        coalesce(is_deleted, false) as is_deleted,

        -- dates
        close_date,

        -- timestamps (UTC)
        {{ utc_timestamp('created_date', column_types) }} as changed_at,
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at,
        case when coalesce(is_deleted, false) then {{ utc_timestamp('system_modstamp', column_types) }} end as deleted_at

    from source

)

select * from renamed
