{#-
    Incremental models keyed per entity (e.g. per opportunity) that must equal a
    full rebuild exactly. The pattern (int_opportunity_changes_ordered,
    int_opportunity_stages_sequenced, int_opportunity_stages_passed):
      * the model stores two bookkeeping columns on every row:
          computed_as_of_date          var('as_of') of the build that wrote the row
          computed_load_id             the latest dlt load id (_dlt_load_id) of the landed
                                       source rows that build read
      * a pre_hook deletes the rows of every entity that may have changed since
        the last build (or every row, see incremental_rebuild_all);
      * the model recomputes exactly the entities that have no rows left
        (incremental_missing_keys), so deleted entities vanish and new ones appear.
-#}

{#- The model's existing bookkeeping columns are present (false: a table built by
    an older version of the model; the pre_hook then does nothing and dbt's
    on_schema_change='fail' asks for a --full-refresh). -#}
{% macro incremental_has_columns(columns) -%}
    {%- set existing = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- for column in columns -%}
        {%- if column | lower not in existing -%}{{ return(false) }}{%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}

{#- SQL boolean: true when the existing rows' view of a dimension no longer
    matches the current one, i.e. some (key, attributes...) tuple stored in the
    existing table is not in the current dimension. `existing_sql` and
    `current_sql` select the same columns in the same order. EXCEPT compares
    nulls as equal (DuckDB and PostgreSQL). Use it as
    "rebuild everything when a dimension changed". -#}
{% macro incremental_dimension_changed(existing_sql, current_sql) -%}
    exists (
        select 1 from (
            {{ existing_sql }}
            except
            {{ current_sql }}
        ) as changed_dimension_rows
    )
{%- endmacro %}

{#- SQL boolean: the whole table must be recomputed -- no bookkeeping yet, the
    as-of date moved backwards (the rows describe a later date), or one of the
    `extra_conditions` (e.g. incremental_dimension_changed(...)) holds. -#}
{% macro incremental_rebuild_all(extra_conditions=[]) -%}
    (
        (select max(computed_as_of_date) from {{ this }}) is null
        or (select max(computed_as_of_date) from {{ this }}) > {{ as_of_date() }}
        {%- for condition in extra_conditions %}
        or {{ condition }}
        {%- endfor %}
    )
{%- endmacro %}

{#- Business-date window (last build's as-of date, this build's as-of date]: a
    change dated inside it was invisible to the last build and is visible now. -#}
{% macro incremental_in_as_of_window(date_expr) -%}
    ({{ date_expr }} > (select max(computed_as_of_date) from {{ this }}) and {{ date_expr }} <= {{ as_of_date() }})
{%- endmacro %}

{#- SQL: landed rows written by a load after the last build's (dlt load ids are
    the load's start time, fixed width, so they compare as strings; ingestion
    merges on the primary key, so a new, changed or soft-deleted row gets the
    id of the load that landed it). -#}
{% macro incremental_loaded_since(load_id_expr='_dlt_load_id') -%}
    {{ load_id_expr }} > (select max(computed_load_id) from {{ this }})
{%- endmacro %}

{#- SQL predicate for the model body: the entity has no rows in the existing
    table (deleted by the pre_hook, or new), so it is (re)computed. -#}
{% macro incremental_missing_keys(key_expr, key_column) -%}
    not exists (select 1 from {{ this }} as existing where existing.{{ key_column }} = {{ key_expr }})
{%- endmacro %}

{#- SQL for the model body of a per-opportunity model that reads another one (already
    brought up to date this night): its rows, only those of the opportunities this
    build recomputes when incremental (filtered before any window function). -#}
{% macro rows_of_opportunities_to_recompute(relation) -%}
    select * from {{ relation }} as upstream
    {%- if is_incremental() %}
    where {{ incremental_missing_keys('upstream.opportunity_id', 'opportunity_id') }}
    {%- endif %}
{%- endmacro %}

{#- SQL: the opportunities whose rows in an opportunity-keyed model may differ from a
    full rebuild as of var('as_of') because of the CRM (model: the opportunity's rows
    depend only on its own history rows and its own created / deleted dates, each seen
    "on or before the as-of date"):
      * a history / opportunity row landed by a later load than the last build's --
        new, changed or soft-deleted;
      * a history row changed or deleted, or an opportunity created or deleted, on a
        business date after the last build's as-of date and on or before this one
        (rows recorded earlier that only become visible now).
    Assumes landed rows are never removed (ingestion merges; deletions are soft,
    flagged rows) and a history row never moves to another opportunity (Salesforce:
    OpportunityHistory.OpportunityId is not updateable). -#}
{% macro opportunities_changed_since_last_build() -%}
        select opportunity_id from {{ source('crm', 'opportunity_history') }}
        where {{ incremental_loaded_since() }}

        union

        select id from {{ source('crm', 'opportunity') }}
        where {{ incremental_loaded_since() }}

        union

        select opportunity_id from {{ ref('stg_crm__opportunity_history') }}
        where {{ incremental_in_as_of_window(to_business_date('changed_at')) }}
           or {{ incremental_in_as_of_window(to_business_date('deleted_at')) }}

        union

        select opportunity_id from {{ ref('stg_crm__opportunities') }}
        where {{ incremental_in_as_of_window(to_business_date('created_at')) }}
           or {{ incremental_in_as_of_window(to_business_date('deleted_at')) }}
{%- endmacro %}

{#- SQL: the latest load id of the landed opportunity / history rows (the
    computed_load_id of the rows a build writes; rows of later loads are new to the
    next build). -#}
{% macro landed_opportunities_load_id() -%}
    select max(_dlt_load_id) as load_id
    from (
        select _dlt_load_id from {{ source('crm', 'opportunity_history') }}
        union all
        select _dlt_load_id from {{ source('crm', 'opportunity') }}
    ) as landed
{%- endmacro %}

{#- pre_hook of an incremental model keyed per opportunity (int_opportunity_changes_ordered,
    int_opportunity_stages_sequenced, int_opportunity_stages_passed): delete the rows
    of every opportunity that may differ from a full rebuild -- those of
    opportunities_changed_since_last_build(), those selected by `also_ids_sql`, and
    every row when incremental_rebuild_all(rebuild_all_conditions) holds; the model
    then recomputes the opportunities without rows (incremental_missing_keys).
    `bookkeeping`: the columns the existing table must have (else nothing is deleted
    and on_schema_change='fail' asks for a --full-refresh). -#}
{% macro delete_changed_opportunities(rebuild_all_conditions=[], also_ids_sql=none,
                                      bookkeeping=['computed_as_of_date', 'computed_load_id']) -%}
{%- if is_incremental() and incremental_has_columns(bookkeeping) -%}
delete from {{ this }}
where {{ incremental_rebuild_all(rebuild_all_conditions) }}
   or opportunity_id in (
        {%- if also_ids_sql %}
        {{ also_ids_sql }}

        union
        {% endif %}
        {{ opportunities_changed_since_last_build() }}
   )
{%- else -%}
select 1
{%- endif -%}
{%- endmacro %}

{#- pre_hook of int_opportunity_stages_sequenced. Besides the CRM changes, an
    opportunity's entries depend on the funnel standard's stage order and closed /
    won flags, and -- for its current open stage only -- on the as-of date itself
    (days_in_stage). So also:
      * everything, when a stage used by the existing rows changed its order or
        flags in the funnel standard;
      * an open current stage written for another as-of date. -#}
{% macro stages_sequenced_delete_changed() -%}
{%- set stages = ref('stg_config__funnel_stages') -%}
{{ delete_changed_opportunities(
    rebuild_all_conditions=[incremental_dimension_changed(
        "select distinct built.stage_name, built.stage_order, built.is_closed_stage, built.is_won_stage from " ~ this ~ " as built",
        "select distinct built.stage_name, stages.stage_order, coalesce(stages.is_closed, false), coalesce(stages.is_won, false)
            from " ~ this ~ " as built left join " ~ stages ~ " as stages on stages.stage_name = built.stage_name"
    )],
    also_ids_sql="select opportunity_id from " ~ this ~ "
        where is_current_stage and not is_closed_stage and computed_as_of_date <> " ~ as_of_date()
) }}
{%- endmacro %}

{#- pre_hook of int_opportunity_stages_passed: besides the CRM changes, everything when
    the funnel standard changed since the last build (any stage, used or not: a new
    open stage between two others is imputed when an opportunity jumps over it). -#}
{% macro stages_passed_delete_changed() -%}
{{ delete_changed_opportunities(
    rebuild_all_conditions=["exists (select 1 from " ~ this ~ " where computed_funnel_hash is distinct from " ~ funnel_standard_hash() ~ ")"],
    bookkeeping=['computed_as_of_date', 'computed_load_id', 'computed_funnel_hash']
) }}
{%- endmacro %}

{#- SQL: a fingerprint of the funnel standard's stages (name, order, closed / won
    flags), stored by int_opportunity_stages_passed as computed_funnel_hash: its
    imputed stages depend on every open stage, used by an opportunity or not. -#}
{% macro funnel_standard_hash() -%}
    (
        select {{ dbt.hash(dbt.listagg(
            "stage_name || '|' || coalesce(cast(stage_order as " ~ dbt.type_string() ~ "), '') || '|'
                || coalesce(cast(is_closed as " ~ dbt.type_string() ~ "), '') || '|'
                || coalesce(cast(is_won as " ~ dbt.type_string() ~ "), '')",
            "','", "order by stage_name")) }}
        from {{ ref('stg_config__funnel_stages') }}
    )
{%- endmacro %}


{#-
    Materialization of a model that is incremental with incremental_strategy
    'delete+insert' (DuckDB, PostgreSQL). dbt-spark has no delete+insert (only
    append, merge and insert_overwrite, and merge/delete need Delta or Iceberg
    tables), so on Spark such a model is a table rebuilt in full every night:
    the same rows, computed from the whole history instead of the new part.
    Use: config(materialized=incremental_unless_spark(), incremental_strategy='delete+insert', ...)
-#}
{% macro incremental_unless_spark() -%}
    {{- return('table' if target.type == 'spark' else 'incremental') -}}
{%- endmacro %}
