{%- set column_types = source_column_types(source('erp', 'fx_rate')) %}
with

source as (

    select * from {{ source('erp', 'fx_rate') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        fx_rate_id,

        -- strings
        currency,
        rate_type,

        -- numerics
        cast(rate_to_cny as {{ type_rate() }}) as rate_to_cny,

        -- dates
        rate_month,

        -- timestamps (UTC)
        {{ utc_timestamp('modified_at', column_types) }} as modified_at

    from source

)

select * from renamed
