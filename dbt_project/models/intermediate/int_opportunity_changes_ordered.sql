-- One row per opportunity-history change known on the as-of date, numbered in
-- time order per opportunity. "Known" = recorded on or before var('as_of')
-- (business date) and not soft-deleted by then, for an opportunity that
-- existed (created, not yet deleted) on that date. Ties on changed_at are
-- broken by the history id so the order is deterministic.
with

opportunities as (

    select opportunity_id
    from {{ ref('stg_crm__opportunities') }}
    where {{ to_business_date('created_at') }} <= {{ as_of_date() }}
      and (deleted_at is null or {{ to_business_date('deleted_at') }} > {{ as_of_date() }})

),

history as (

    select
        opportunity_history_id,
        opportunity_id,
        stage_name,
        forecast_category,
        amount,
        probability,
        close_date,
        changed_at,
        {{ to_business_date('changed_at') }} as changed_date
    from {{ ref('stg_crm__opportunity_history') }}
    where {{ to_business_date('changed_at') }} <= {{ as_of_date() }}
      and (deleted_at is null or {{ to_business_date('deleted_at') }} > {{ as_of_date() }})

),

final as (

    select
        history.*,
        cast(row_number() over (
            partition by history.opportunity_id
            order by history.changed_at, history.opportunity_history_id
        ) as integer) as change_number,
        cast(count(*) over (partition by history.opportunity_id) as integer) as n_changes
    from history
    inner join opportunities
        on opportunities.opportunity_id = history.opportunity_id

)

select * from final
