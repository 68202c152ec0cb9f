with

source as (

    -- empty (same columns) until the owning domain's asset has written the table
    select * from {{ source_or_empty('planning', 'targets') }}

),

renamed as (

    select
        -- ids
        target_id,
        plan_id,
        parent_target_id,
        org_unit_id,
        rep_id as rep_user_id,

        -- strings
        status,
        level as target_level,
        node_path,
        product_line,
        method,
        currency,

        -- numerics
        version,
        fiscal_year,
        cast(weight as decimal(38,12)) as weight,
        cast(pad as decimal(9,6)) as pad,
        cast(ramp_factor as decimal(9,6)) as ramp_factor,
        {{ to_money('target_amount') }} as target_amount,

        -- booleans
        status = 'published' as is_published,

        -- dates
        effective_from as effective_from_date,
        month_start,

        -- timestamps (UTC)
        cast(published_at as {{ type_timestamptz() }}) as published_at

    from source

)

select * from renamed
