with

source as (

    -- empty (same columns) until the owning domain's asset has written the table
    select * from {{ source_or_empty('config', 'comp_plan_eligibility') }}

),

renamed as (

    select
        -- ids
        plan_id,

        -- strings
        role as sales_role,
        level as job_level,

        -- dates (valid_to null = open-ended)
        valid_from as valid_from_date,
        coalesce(valid_to, cast('9999-12-31' as date)) as valid_to_date

    from source

)

select * from renamed
