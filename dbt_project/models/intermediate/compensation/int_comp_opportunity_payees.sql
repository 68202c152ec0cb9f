-- One row per opportunity x direct payee x credit type: who is credited for a
-- deal and with what share, before roll-up and plan mapping.
--   owner   : the opportunity owner, share 1, when the opportunity has no revenue splits;
--   split   : each revenue split owner with its share, when the revenue splits total exactly 100 %;
--   overlay : each overlay split owner with its share (overlays are extra credit, no total rule).
-- An opportunity whose revenue splits do not total 100 % gets no payee rows at
-- all (is_creditable = false, see comp_credit_exceptions). Splits of one payee
-- and type are added together. Splits and owners are the CRM's current rows
-- (the CRM does not historise them).
{{ config(materialized='table') }}

with

status as (

    select opportunity_id, owner_user_id, n_revenue_splits > 0 as has_revenue_splits, is_creditable
    from {{ ref('int_comp_opportunities_split_checked') }}

),

splits as (

    select
        opportunity_id,
        split_owner_user_id as payee_id,
        case when split_type = 'Revenue' then 'split' else 'overlay' end as credit_type,
        sum(split_fraction) as split_share
    from {{ ref('stg_crm__opportunity_splits') }}
    where split_type in ('Revenue', 'Overlay')
    group by 1, 2, 3

),

payees as (

    select opportunity_id, owner_user_id as payee_id, 'owner' as credit_type, cast(1 as decimal(9,6)) as split_share
    from status
    where not has_revenue_splits

    union all

    select splits.opportunity_id, splits.payee_id, splits.credit_type, cast(splits.split_share as decimal(9,6))
    from splits
    inner join status
        on status.opportunity_id = splits.opportunity_id
    where status.is_creditable

)

select
    payees.opportunity_id || ':' || payees.payee_id || ':' || payees.credit_type as opportunity_payee_id,
    payees.opportunity_id,
    payees.payee_id,
    payees.credit_type,
    payees.split_share
from payees
