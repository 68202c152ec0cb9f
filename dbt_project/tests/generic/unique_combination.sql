{#-
    The combination of `columns` is unique (and none of them is null) in the
    model: a compound primary key. Fails with one row per duplicated key.
    (dbt_utils.unique_combination_of_columns, which the hub would provide.)
-#}
{% test unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}

{% endtest %}
