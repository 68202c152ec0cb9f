{#-
    The run's as-of date, a business date 'YYYY-MM-DD': var `as_of` if given
    (--vars, a unit test's overrides), else the environment variable
    SALESOPS_AS_OF (how salesops passes it), else var `default_as_of`. Models never call
    current_date / now(): every mart is "what was known as of this date", so
    any past night can be rebuilt with SALESOPS_AS_OF or --vars '{as_of: ...}'.

    Read at run time only: dbt parses the whole project again whenever a var
    or an environment variable read while parsing changes (about 3 s a night),
    and the as-of date changes every night.
-#}
{% macro as_of_date() -%}
    cast('{{ as_of_value() }}' as date)
{%- endmacro %}

{#- The as-of date as the text 'YYYY-MM-DD' (for messages). -#}
{% macro as_of_value() -%}
    {%- if execute -%}
        {%- set raw = (var('as_of', none) or env_var('SALESOPS_AS_OF', '') or var('default_as_of')) | string -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', raw) -%}
            {{ exceptions.raise_compiler_error("the as-of date must be 'YYYY-MM-DD', got '" ~ raw ~ "'") }}
        {%- endif -%}
    {%- else -%}
        {%- set raw = '1970-01-01' -%}  {#- parsing: any date; the SQL is rendered again to run -#}
    {%- endif -%}
    {{ raw }}
{%- endmacro %}

{#- First day of the as-of month. -#}
{% macro as_of_month() -%}
    {{ month_start(as_of_date()) }}
{%- endmacro %}

{#- First day of the month of a date expression, as a date (dbt.date_trunc returns a timestamp on PostgreSQL). -#}
{% macro month_start(date_expr) -%}
    cast({{ dbt.date_trunc('month', date_expr) }} as date)
{%- endmacro %}

{#- date + n months, as a date. -#}
{% macro add_months(date_expr, n) -%}
    cast({{ dbt.dateadd('month', n, date_expr) }} as date)
{%- endmacro %}

{#- date + n days, as a date. -#}
{% macro add_days(date_expr, n) -%}
    cast({{ dbt.dateadd('day', n, date_expr) }} as date)
{%- endmacro %}


{#- The weeks an incremental run of pipeline_weekly_snapshots replaces: by default the
    weeks after the as-of date (a rebuild for an earlier date drops them; the run then
    appends the weeks since its last one); with vars rebuild_weeks_from / rebuild_weeks_to
    (a month's backfill) exactly the weeks ending in that window, not after the as-of date. -#}
{% macro snapshot_weeks_rebuilt() -%}
    {%- set lo = var('rebuild_weeks_from', none) -%}
    {%- set hi = var('rebuild_weeks_to', none) -%}
    {%- if lo -%}
        {%- for name, v in [('rebuild_weeks_from', lo), ('rebuild_weeks_to', hi)] -%}
            {%- if execute and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', v | string) -%}
                {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a date 'YYYY-MM-DD', got '" ~ v ~ "'") }}
            {%- endif -%}
        {%- endfor -%}
        week_end_date between cast('{{ lo }}' as date) and cast('{{ hi }}' as date) and week_end_date <= {{ as_of_date() }}
    {%- else -%}
        week_end_date > {{ as_of_date() }}
    {%- endif -%}
{%- endmacro %}

{#- An incremental run of pipeline_weekly_snapshots without rebuild vars adds the weeks
    of int_funnel_weeks_spined after the last week it keeps (those <= the as-of date; its
    pre_hook deletes the later ones). False when there is none -- six nights of seven: the
    model then selects no rows, and its window functions over the whole stage history are
    not run. Asked at execution time, once the spine is built (true while parsing). -#}
{% macro snapshot_has_weeks_to_add() -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set query -%}
        select count(*) from {{ ref('int_funnel_weeks_spined') }}
        where week_end_date > (
            select coalesce(max(week_end_date), cast('1900-01-01' as date)) from {{ this }}
            where week_end_date <= {{ as_of_date() }}
        )
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0] > 0) }}
{%- endmacro %}
