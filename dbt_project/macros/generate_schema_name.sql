{#-
    Custom schema names are used verbatim: staging, intermediate, marts,
    reference (seeds). dbt's default would prefix the target schema
    (main_marts); the warehouse is one database per environment, so the prefix
    only makes BI queries longer. Nodes without a custom schema go to the
    target's schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
