{%- set column_types = source_column_types(source('crm', 'lead')) %}
with

source as (

    select * from {{ source('crm', 'lead') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as lead_id,
        owner_id as owner_user_id,
        converted_account_id,
        converted_opportunity_id,

        -- strings
        company as company_name,
        state,
        lead_source,
        status as lead_status,

        -- booleans
        is_converted,

        -- dates
        converted_date,

        -- timestamps (UTC)
        {{ utc_timestamp('created_date', column_types) }} as created_at,
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
