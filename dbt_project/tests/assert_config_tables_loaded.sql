{{ config(severity='warn') }}
-- The performance config tables are written by Dagster assets ([config, kpis],
-- [config, diagnostic_rules]) before dbt in the nightly job. Without them (a plain
-- `dbt build` on a fresh warehouse) the marts build without RAG status and with
-- an empty action list: this test warns.
select 'config.kpis is empty or missing' as problem
where not exists (select 1 from {{ ref('stg_config__kpis') }})
union all
select 'config.diagnostic_rules is empty or missing'
where not exists (select 1 from {{ ref('stg_config__diagnostic_rules') }})
