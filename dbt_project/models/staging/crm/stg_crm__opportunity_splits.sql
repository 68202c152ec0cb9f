{%- set column_types = source_column_types(source('crm', 'opportunity_split')) %}
with

source as (

    select * from {{ source('crm', 'opportunity_split') }}
    where coalesce(is_deleted, false) = false

),

renamed as (

    select
        -- ids
        id as opportunity_split_id,
        opportunity_id,
        split_owner_id as split_owner_user_id,

        -- strings
        split_type_c as split_type,

        -- numerics (money in the opportunity's currency)
        cast(split_percentage * 0.01 as decimal(5,4)) as split_fraction,
        {{ to_money('split_amount') }} as split_amount,

        -- timestamps (UTC)
        {{ utc_timestamp('system_modstamp', column_types) }} as modified_at

    from source

)

select * from renamed
