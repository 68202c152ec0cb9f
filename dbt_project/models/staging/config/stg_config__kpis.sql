with

source as (

    {#- written by the asset [config, kpis] (part of the nightly job); a plain dbt build on a warehouse without
        it reads it as empty, and the warn-severity test assert_config_tables_loaded says so -#}
    select * from {{ source_or_empty('config', 'kpis') }}

),

renamed as (

    select
        -- ids
        kpi_name,

        -- strings
        label as kpi_label,
        definition as kpi_definition,
        grain,
        unit,
        direction,
        metric,
        target_source,

        -- numerics
        cast(green_threshold as {{ type_rate() }}) as green_threshold,
        cast(amber_threshold as {{ type_rate() }}) as amber_threshold,
        cast(sort_order as integer) as sort_order

    from source

)

select * from renamed
