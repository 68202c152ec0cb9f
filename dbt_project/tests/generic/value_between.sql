{#-
    Every non-null value of the column lies in [min_value, max_value]
    (e.g. fractions that must stay within 0-1, never 0-100).
-#}
{% test value_between(model, column_name, min_value, max_value) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ min_value }}
   or {{ column_name }} > {{ max_value }}

{% endtest %}
