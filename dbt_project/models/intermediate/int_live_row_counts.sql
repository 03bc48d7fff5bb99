{#-
    Live rows the warehouse holds per portal and counted list: what the portal's own `total`
    is compared with (mart_reconciliation) and shown beside it (mart_data_trust).
-#}
{%- set counted = {
    'deals': ('stg_bitrix24__deals', 'not is_deleted'),
    'leads': ('stg_bitrix24__leads', 'not is_deleted'),
    'activities': ('stg_bitrix24__activities', 'not is_deleted'),
    'calls': ('stg_bitrix24__calls', 'true'),
    'users': ('stg_bitrix24__users', 'true'),
    'statuses': ('stg_bitrix24__statuses', 'true'),
    'deal_categories': ('stg_bitrix24__funnels', 'true'),
    'departments': ('stg_bitrix24__departments', 'true'),
} %}
{%- for entity, (model, live) in counted.items() %}
    select
        portal_id,
        '{{ entity }}' as entity,
        count(*) as live_rows
    from {{ ref(model) }}
    where {{ live }}
    group by portal_id
    {{ 'union all' if not loop.last }}
{%- endfor %}
