{#-
    Live rows the warehouse holds per portal and counted list: now (`live_rows`, shown in
    mart_data_trust), and as of the latest census (`live_rows_at_census`, what the portal's
    `total` is compared with in mart_reconciliation). As of the census means created by then,
    for lists whose records carry a creation time; lists without one (reference lists, and
    calls, which appear in statistics only once they end) are comparable only while no load
    has run since the census, and are null otherwise.
-#}
{%- set counted = {
    'deals': ('stg_bitrix24__deals', 'not records.is_deleted', 'created_at'),
    'leads': ('stg_bitrix24__leads', 'not records.is_deleted', 'created_at'),
    'activities': ('stg_bitrix24__activities', 'not records.is_deleted', 'created_at'),
    'calls': ('stg_bitrix24__calls', 'true', none),
    'users': ('stg_bitrix24__users', 'true', none),
    'statuses': ('stg_bitrix24__statuses', 'true', none),
    'deal_categories': ('stg_bitrix24__funnels', 'true', none),
    'departments': ('stg_bitrix24__departments', 'true', none),
} %}
with

census as (

    select * from {{ ref('int_latest_census') }}

)
{% for entity, (model, live, created) in counted.items() %}
    select
        records.portal_id,
        '{{ entity }}' as entity,
        count(*) as live_rows,
        {% if created -%}
            count(case when records.{{ created }} <= census.census_at then 1 end)
        {%- else -%}
            case when bool_and(census.is_latest_load) then count(*) end
        {%- endif %} as live_rows_at_census
    from {{ ref(model) }} as records
    left join census on records.portal_id = census.portal_id
    where {{ live }}
    group by records.portal_id
    {{ 'union all' if not loop.last }}
{%- endfor %}
