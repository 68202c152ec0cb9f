{%- set column_types = source_column_types(source('hr', 'job_assignment')) %}
with

source as (

    select * from {{ source('hr', 'job_assignment') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        assignment_id as job_assignment_id,
        employee_id,
        org_unit_id,
        manager_employee_id,

        -- strings
        job_title,
        job_level,
        sales_role,

        -- dates (effective_to_date is inclusive; null while current)
        effective_from as effective_from_date,
        effective_to as effective_to_date,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
