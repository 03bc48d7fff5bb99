{#- Seconds between two timestamps; dispatched so a second adapter can bring its own. -#}
{% macro datediff_seconds(start, finish) -%}
    {{ return(adapter.dispatch('datediff_seconds')(start, finish)) }}
{%- endmacro %}

{% macro default__datediff_seconds(start, finish) -%}
    (epoch({{ finish }}) - epoch({{ start }}))
{%- endmacro %}

{#- The portal-local calendar day of a UTC timestamp. -#}
{% macro to_portal_date(utc_column) -%}
    cast({{ to_portal_time(utc_column) }} as date)
{%- endmacro %}

{#- Whole days from one date to a later one. -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}
