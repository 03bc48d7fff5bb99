{#-
    A raw table that appears only once there is something to put in it (deletions after the
    first delete, the deal census after the first census run). Until then: no rows, with the
    columns the model expects.
-#}
{% macro optional_source(table_name, columns) -%}
    {%- set relation = source('bitrix24', table_name) -%}
    {%- set exists = not execute or adapter.get_relation(
        database=relation.database,
        schema=relation.schema,
        identifier=relation.identifier,
    ) is not none -%}
    {%- if exists -%}
        select * from {{ relation }}
    {%- else -%}
        select
        {%- for name, type in columns.items() %}
            cast(null as {{ type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        where false
    {%- endif -%}
{%- endmacro %}
