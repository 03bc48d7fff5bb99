{#-
    The portal sends date-times with its own offset (`2025-03-25T10:17:03+03:00`).
    Staging stores UTC; reports bucket in the portal's timezone. Dispatched, so a second
    adapter only has to implement these two.
-#}
{% macro to_utc(column) -%}
    {{ return(adapter.dispatch('to_utc')(column)) }}
{%- endmacro %}

{% macro default__to_utc(column) -%}
    cast(cast({{ column }} as timestamp with time zone) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro to_portal_time(utc_column) -%}
    {{ return(adapter.dispatch('to_portal_time')(utc_column)) }}
{%- endmacro %}

{% macro default__to_portal_time(utc_column) -%}
    (({{ utc_column }} at time zone 'UTC') at time zone '{{ var("portal_timezone") }}')
{%- endmacro %}
