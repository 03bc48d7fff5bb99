{#-
    The portal sends every value as a string, and an empty string where a number or a date
    is missing. These turn them into typed values or null, never an error.
-#}
{% macro to_number(column, type='decimal(18, 2)') -%}
    cast(nullif(trim({{ column }}), '') as {{ type }})
{%- endmacro %}

{% macro to_id(column) -%}
    cast(nullif(nullif(trim({{ column }}), ''), '0') as bigint)
{%- endmacro %}

{% macro to_flag(column) -%}
    coalesce(upper(trim({{ column }})) = 'Y', false)
{%- endmacro %}

{% macro to_local_date(column) -%}
    cast(nullif(left({{ column }}, 10), '') as date)
{%- endmacro %}

{#- The first element of a JSON array sent as a string (a user's first department). -#}
{% macro json_array_first(column) -%}
    {{ return(adapter.dispatch('json_array_first')(column)) }}
{%- endmacro %}

{% macro default__json_array_first(column) -%}
    json_extract_string({{ column }}, '$[0]')
{%- endmacro %}

{#- A JSON array as a table of its elements (`… from t, json_array_elements('t.col') as e`). -#}
{% macro json_array_elements(column) -%}
    {{ return(adapter.dispatch('json_array_elements')(column)) }}
{%- endmacro %}

{% macro default__json_array_elements(column) -%}
    json_each({{ column }})
{%- endmacro %}

{#- One field of a JSON object, as text. -#}
{% macro json_field(column, key) -%}
    {{ return(adapter.dispatch('json_field')(column, key)) }}
{%- endmacro %}

{% macro default__json_field(column, key) -%}
    json_extract_string({{ column }}, '$.{{ key }}')
{%- endmacro %}
