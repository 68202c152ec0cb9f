-- One row per HR org unit with its team / region / business unit / company
-- ancestors (the unit itself counts as its own ancestor of its type). The tree
-- is company -> business_unit -> region -> team; walking four levels up
-- covers it without a recursive CTE. depth = number of levels below the root
-- (null when the chain does not end at a root within four levels).
with

units as (

    select org_unit_id, parent_org_unit_id, org_unit_name, unit_type, cost_center
    from {{ ref('stg_hr__org_units') }}

),

walked as (

    select
        u0.org_unit_id,
        u0.org_unit_name,
        u0.unit_type,
        u0.cost_center,
        u0.parent_org_unit_id,
        u0.org_unit_id as id0, u0.unit_type as type0, u0.org_unit_name as name0,
        u1.org_unit_id as id1, u1.unit_type as type1, u1.org_unit_name as name1,
        u2.org_unit_id as id2, u2.unit_type as type2, u2.org_unit_name as name2,
        u3.org_unit_id as id3, u3.unit_type as type3, u3.org_unit_name as name3,
        case
            when u0.parent_org_unit_id is null then 0
            when u1.parent_org_unit_id is null then 1
            when u2.parent_org_unit_id is null then 2
            when u3.parent_org_unit_id is null then 3
        end as depth
    from units as u0
    left join units as u1 on u1.org_unit_id = u0.parent_org_unit_id
    left join units as u2 on u2.org_unit_id = u1.parent_org_unit_id
    left join units as u3 on u3.org_unit_id = u2.parent_org_unit_id

),

final as (

    select
        org_unit_id,
        org_unit_name,
        unit_type,
        cost_center,
        parent_org_unit_id,
        {%- for level in ['team', 'region', 'business_unit', 'company'] %}
        case
            when type0 = '{{ level }}' then id0 when type1 = '{{ level }}' then id1
            when type2 = '{{ level }}' then id2 when type3 = '{{ level }}' then id3
        end as {{ level }}_id,
        case
            when type0 = '{{ level }}' then name0 when type1 = '{{ level }}' then name1
            when type2 = '{{ level }}' then name2 when type3 = '{{ level }}' then name3
        end as {{ level }}_name,
        {%- endfor %}
        cast(depth as integer) as depth
    from walked

)

select * from final
