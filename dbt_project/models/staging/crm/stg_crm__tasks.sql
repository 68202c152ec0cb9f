{%- set column_types = source_column_types(source('crm', 'task')) %}
with

source as (

    select * from {{ source('crm', 'task') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as task_id,
        owner_id as owner_user_id,
        what_id as related_to_id,

        -- strings
        subject,
        type as task_type,
        status as task_status,

        -- dates
        activity_date,

        -- timestamps (UTC)
        {{ utc_timestamp('created_date', column_types) }} as created_at,
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
