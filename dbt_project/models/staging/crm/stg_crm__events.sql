{%- set column_types = source_column_types(source('crm', 'event')) %}
with

source as (

    select * from {{ source('crm', 'event') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as event_id,
        owner_id as owner_user_id,
        what_id as related_to_id,

        -- strings
        subject,
        type as event_type,

        -- numerics
        cast(duration_in_minutes as integer) as duration_minutes,

        -- timestamps (UTC)
        {{ utc_timestamp('activity_date_time', column_types) }} as started_at,
        {{ utc_timestamp('created_date', column_types) }} as created_at,
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
