{#-
    Spark SQL (dbt-spark) implementations of the project's dispatched macros.
    Spark has one timestamp type (an instant, shown in the session time zone:
    the profile sets UTC), no `at time zone`, and percentile() for the
    interpolated percentile.
-#}
{% macro spark__type_timestamptz() -%} timestamp {%- endmacro %}

{#- a naive UTC wall-clock timestamp is already the instant in a UTC session -#}
{% macro spark__naive_utc_to_timestamptz(column_name) -%}
    cast({{ column_name }} as timestamp)
{%- endmacro %}

{% macro spark__to_business_date(timestamp_expr) -%}
    cast(from_utc_timestamp({{ timestamp_expr }}, '{{ var("timezone") }}') as date)
{%- endmacro %}

{% macro spark__percentile_cont(expr, fraction) -%}
    cast(percentile({{ expr }}, {{ fraction }}) as {{ type_days() }})
{%- endmacro %}

{#-
    Spark's decimal division keeps only 6 decimals once the operands are wide
    (decimal(38,x) / decimal(38,y) -> decimal(38,6)), and rounding that result
    again to the target scale can be off by one unit. Same integer method as
    duckdb__exact_divide: both operands as integers of 10^-6 units, then
    q = (2|N| 10^scale + |D|) div (2|D|) rounds half away from zero. The integer
    division is (A - A % B) / B: exact in decimal(38,0) (Spark's `div` returns a
    bigint that wraps silently on overflow). q is cast to decimal(27,0) before
    the scaling so that the product keeps its scale (up to 10) within 38 digits.
    The result is decimal(19,scale): an amount decimal(18,2) times it is still
    exact in Spark (18 + 19 + 1 <= 38 digits keeps the full scale; wider operands
    would be rounded to 6 decimals first). For scale 10 that leaves 9 integer
    digits (shares, FX rates). With ANSI mode (Spark 4's default) an overflow
    anywhere is an error, never a wrong number. sign() is a double in Spark, so
    the sign is a CASE.
-#}
{% macro spark__exact_divide(numerator, denominator, scale) -%}
    {%- set n -%} cast(abs(cast({{ numerator }} as decimal(38,6))) * 1000000 as decimal(38,0)) {%- endset -%}
    {%- set d -%} cast(abs(cast({{ denominator }} as decimal(38,6))) * 1000000 as decimal(38,0)) {%- endset -%}
    {%- set a -%} (2 * {{ n }} * {{ 10 ** scale }} + {{ d }}) {%- endset -%}
    {%- set b -%} (2 * {{ d }}) {%- endset -%}
    cast(
        cast(
            case when (({{ numerator }}) < 0) = (({{ denominator }}) < 0) then 1 else -1 end
            * cast(({{ a }} - {{ a }} % {{ b }}) / {{ b }} as decimal(38,0))
            as decimal(27,0))
        * {{ '0.' ~ ('0' * (scale - 1)) ~ '1' }}
        as decimal(19,{{ scale }})
    )
{%- endmacro %}

{#-
    Contracts: the YAML data types are the DuckDB/PostgreSQL names. Spark has
    no unsized varchar and no `timestamp with time zone` (its timestamp is
    already an instant), so the empty-schema query of a contract check casts
    to Spark's names. Used by dbt's default__get_empty_schema_sql.
-#}
{% macro spark__cast(field, type) -%}
    {%- set spark_types = {'varchar': 'string', 'text': 'string', 'timestamp with time zone': 'timestamp',
                           'timestamptz': 'timestamp'} -%}
    cast({{ field }} as {{ spark_types.get(type | trim | lower, type) }})
{%- endmacro %}

{#-
    dbt-spark's listagg ignores the order (and warns): Spark 4 has listagg
    ... within group (order by ...) itself. No limit_num in this project.
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("spark__listagg: limit_num is not supported") }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expr) -%}
    cast(extract(dayofweek_iso from {{ date_expr }}) as integer)
{%- endmacro %}

{#- 'YYYY-MM' of a date (Spark's datetime patterns: yyyy = year, MM = month). -#}
{% macro spark__comp_period(date_expr) -%}
    date_format({{ date_expr }}, 'yyyy-MM')
{%- endmacro %}

{#- Spark has no `double precision` type name. -#}
{% macro spark__type_double() -%} double {%- endmacro %}
