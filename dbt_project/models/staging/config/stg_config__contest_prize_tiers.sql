with

source as (

    select * from {{ source('config', 'contest_prize_tiers') }}

),

renamed as (

    select
        -- ids
        contest_id,

        -- strings
        prize,

        -- numerics
        from_rank,
        to_rank

    from source

)

select * from renamed
