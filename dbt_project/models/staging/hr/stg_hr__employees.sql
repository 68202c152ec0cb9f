{%- set column_types = source_column_types(source('hr', 'employee')) %}
with

source as (

    select * from {{ source('hr', 'employee') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        employee_id,

        -- strings (base_salary / salary_currency are deliberately not selected: see stg_hr__employee_salaries)
        full_name,
        email,

        -- dates
        hire_date,
        termination_date,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
