-- One row per CRM user x ancestor in the effective-dated management chain x
-- validity interval: depth 0 is the user, 1 the manager, 2 the manager's
-- manager, ... Built by intersecting the validity of each level's HR
-- assignment (int_reps_assigned), so a roll-up on date d joins
-- "d between valid_from_date and valid_to_date" and gets the chain valid on d.
-- The chain stops at a manager without a CRM user; depth is capped at 10
-- (guards against a cyclic HR hierarchy).
{{ config(materialized='table') }}

with recursive

assignments as (

    select user_id, manager_user_id, valid_from_date, valid_to_date
    from {{ ref('int_reps_assigned') }}

),

chains as (

    select
        user_id,
        user_id as ancestor_user_id,
        0 as depth,
        manager_user_id as next_user_id,
        valid_from_date,
        valid_to_date
    from assignments

    union all

    select
        chains.user_id,
        managers.user_id as ancestor_user_id,
        chains.depth + 1 as depth,
        managers.manager_user_id as next_user_id,
        case when managers.valid_from_date > chains.valid_from_date
            then managers.valid_from_date else chains.valid_from_date end as valid_from_date,
        case when managers.valid_to_date < chains.valid_to_date
            then managers.valid_to_date else chains.valid_to_date end as valid_to_date
    from chains
    inner join assignments as managers
        on managers.user_id = chains.next_user_id
        and managers.valid_from_date <= chains.valid_to_date
        and managers.valid_to_date >= chains.valid_from_date
    where chains.depth < 10

)

select
    user_id || '-' || ancestor_user_id || '-' || cast(valid_from_date as {{ dbt.type_string() }}) as manager_chain_id,
    user_id,
    ancestor_user_id,
    depth,
    valid_from_date,
    valid_to_date
from chains
