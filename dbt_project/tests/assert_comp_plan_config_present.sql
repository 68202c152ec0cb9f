-- The compensation plans asset has written config.comp_plan_components (the
-- crediting marts read an empty relation until it has): warns with one row
-- while no plan component is configured, so an empty crediting ledger is never
-- mistaken for "nothing to credit".
{{ config(severity='warn') }}

select 'config.comp_plan_components is missing or empty: no credit can be produced' as problem
where not exists (select 1 from {{ ref('stg_config__comp_plan_components') }})
