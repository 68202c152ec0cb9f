with

source as (

    -- empty (same columns) until the first plan is written: then every month falls back to the CRM quotas
    select * from {{ source_or_empty('planning', 'targets') }}

),

renamed as (

    select
        -- ids
        target_id,
        plan_id,
        parent_target_id,
        org_unit_id,
        rep_id,

        -- strings
        status,
        level as target_level,
        node_path,
        product_line,
        method,
        currency,

        -- numerics
        cast(version as integer) as version,
        cast(fiscal_year as integer) as fiscal_year,
        cast(weight as decimal(38,12)) as weight,
        cast(pad as decimal(9,6)) as pad,
        cast(ramp_factor as decimal(9,6)) as ramp_factor,
        {{ to_money('target_amount') }} as target_amount,

        -- booleans
        status = 'published' as is_published,

        -- dates
        cast(effective_from as date) as effective_from,
        cast(month_start as date) as month_start,

        -- timestamps (UTC; written as naive UTC by the planning asset)
        {{ adapter.dispatch('naive_utc_to_timestamptz')('published_at') }} as published_at

    from source

)

select * from renamed
