{#-
    Order-by list that picks, among a rep's int_reps_assigned rows (alias
    `reps`), the one to use for a fact dated `date_expr`:
      1. the assignment valid on that date;
      2. otherwise the first assignment after it (the CRM owner joined later:
         the record was handed over to a new hire, ownership is not historised);
      3. otherwise the last assignment before it (the owner has left).
    Use as: row_number() over (partition by <fact key> order by {{ hierarchy_preference('f.created_date', 'reps') }}) = 1
-#}
{% macro hierarchy_preference(date_expr, reps='reps') -%}
    case
        when {{ date_expr }} between {{ reps }}.valid_from_date and {{ reps }}.valid_to_date then 0
        when {{ reps }}.valid_from_date > {{ date_expr }} then 1
        else 2
    end,
    case when {{ reps }}.valid_from_date > {{ date_expr }} then {{ reps }}.valid_from_date end,
    {{ reps }}.valid_to_date desc
{%- endmacro %}
