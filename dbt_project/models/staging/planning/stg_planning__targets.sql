with

source as (

    {#- planning.targets does not exist until the first plan is written: then every month falls back to the CRM quotas -#}
    {{ source_or_empty('planning', 'targets', {
        'target_id': dbt.type_string(), 'plan_id': dbt.type_string(), 'version': 'integer', 'status': dbt.type_string(),
        'effective_from': 'date', 'published_at': dbt.type_timestamp(), 'fiscal_year': 'integer',
        'level': dbt.type_string(), 'node_path': dbt.type_string(), 'parent_target_id': dbt.type_string(),
        'org_unit_id': dbt.type_string(), 'rep_id': dbt.type_string(), 'product_line': dbt.type_string(),
        'month_start': 'date', 'method': dbt.type_string(), 'weight': 'decimal(38,12)', 'pad': 'decimal(9,6)',
        'ramp_factor': 'decimal(9,6)', 'target_amount': 'decimal(18,2)', 'currency': dbt.type_string(),
    }) }}

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

        -- timestamps (UTC)
        published_at

    from source

)

select * from renamed
