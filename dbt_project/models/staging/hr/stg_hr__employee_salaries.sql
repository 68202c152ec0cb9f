-- RESTRICTED: the only model that selects salary (personal data). Access is
-- private to the `people_restricted` group; broad marts never ref it.
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

        -- strings
        salary_currency,

        -- numerics
        {{ to_money('base_salary') }} as base_salary,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
