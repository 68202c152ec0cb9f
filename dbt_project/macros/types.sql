{#-
    House number types (DESIGN §7). Money is DECIMAL(18,2) everywhere, never a
    float and never dbt.type_numeric() (unscaled numeric on PostgreSQL, a
    default scale elsewhere).
-#}
{% macro type_money() -%} decimal(18,2) {%- endmacro %}
{#- FX rates as published (erp.fx_rate.rate_to_cny) and other multipliers. -#}
{% macro type_rate() -%} decimal(18,6) {%- endmacro %}
{#- Derived FX rates (cross rates to a non-CNY reporting currency): 10 places so that
    amount x rate stays exact to the cent for any realistic amount. -#}
{% macro type_fx_rate() -%} decimal(20,10) {%- endmacro %}
{#- Ratios reported to BI (conversion, win rate, attainment): 4 decimals, 1.2345 = 123.45%. -#}
{% macro type_ratio() -%} decimal(12,4) {%- endmacro %}
{#- Probability as a fraction 0-1. -#}
{% macro type_probability() -%} decimal(5,4) {%- endmacro %}
{#- Day counts that can be fractional (medians). -#}
{% macro type_days() -%} decimal(10,2) {%- endmacro %}

{% macro to_money(expr) -%} cast({{ expr }} as {{ type_money() }}) {%- endmacro %}

{#-
    numerator / denominator, rounded half away from zero to the scale of
    `result` ('ratio' -> decimal(12,4), 'money' -> decimal(18,2), 'rate' ->
    decimal(18,6), 'fx_rate' -> decimal(20,10)); null when the denominator is 0 or null. The cast wraps the
    whole CASE: PostgreSQL drops the type modifier of a CASE with a NULL
    branch (numeric(12,4) would become plain numeric and break the contracts).
-#}
{% macro safe_divide(numerator, denominator, result='ratio') -%}
    {%- set types = {
        'ratio': (type_ratio(), 4), 'money': (type_money(), 2), 'rate': (type_rate(), 6), 'fx_rate': (type_fx_rate(), 10),
    } -%}
    {%- set result_type, scale = types[result] -%}
    cast(
        case
            when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
            else {{ exact_divide(numerator, denominator, scale) }}
        end
        as {{ result_type }}
    )
{%- endmacro %}

{#-
    Exact decimal division, correct to at least `scale` places before the
    final rounding cast. PostgreSQL's numeric division is exact to 16+
    places; the numerator is widened first because int / int is integer
    division there (2 / 3 = 0).
-#}
{% macro exact_divide(numerator, denominator, scale) -%}
    {{ return(adapter.dispatch('exact_divide')(numerator, denominator, scale)) }}
{%- endmacro %}

{% macro default__exact_divide(numerator, denominator, scale) -%}
    cast({{ numerator }} as decimal(38,10)) / ({{ denominator }})
{%- endmacro %}

{#-
    DuckDB divides decimals in DOUBLE, so 35072.95 / 2 becomes 17536.47 after
    rounding instead of 17536.48. Divide in HUGEINT instead: both operands as
    integers of 10^-6 units (inputs here have at most 6 decimals), then
    q = (2|N| 10^scale + |D|) // (2|D|) rounds half away from zero like
    PostgreSQL, and q x 10^-scale is an exact decimal multiplication.
-#}
{% macro duckdb__exact_divide(numerator, denominator, scale) -%}
    {%- set n -%} cast(abs(cast({{ numerator }} as decimal(38,6))) * 1000000 as hugeint) {%- endset -%}
    {%- set d -%} cast(abs(cast({{ denominator }} as decimal(38,6))) * 1000000 as hugeint) {%- endset -%}
    (
        sign({{ numerator }}) * sign({{ denominator }})
        * cast((2 * {{ n }} * {{ 10 ** scale }} + {{ d }}) // (2 * {{ d }}) as decimal(38,0))
        * {{ '0.' ~ ('0' * (scale - 1)) ~ '1' }}
    )
{%- endmacro %}

{#- 8-byte float for intermediate math only (logarithms); never for money. dbt.type_float() is
    a 4-byte REAL on DuckDB, hence this macro. -#}
{% macro type_double() -%} {{ return(adapter.dispatch('type_double')()) }} {%- endmacro %}
{% macro default__type_double() -%} double precision {%- endmacro %}
