{%- set column_types = source_column_types(source('crm', 'user_role')) %}
with

source as (

    select * from {{ source('crm', 'user_role') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as user_role_id,
        parent_role_id as parent_user_role_id,

        -- strings
        name as role_name,
        developer_name as role_developer_name,

        -- timestamps (UTC)
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
