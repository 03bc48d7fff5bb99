{#-
    Custom field values of deals and leads, one row per record and filled field, unpivoted from
    the `UF_CRM_*` columns raw has as the portal added them: a new field needs no change here.
    Values stay as sent (an enumeration's item id); fct_custom_field_values decodes them.
-#}
{%- set owners = {'deal': source('bitrix24', 'deals'), 'lead': source('bitrix24', 'leads')} -%}
{%- set custom_columns = [] -%}
{%- if execute -%}
    {%- for owner, relation in owners.items() -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- if column.name.lower().startswith('uf_crm_') -%}
                {%- do custom_columns.append((owner, relation, column.name.lower())) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif %}

with

field_values as (

    -- typed and empty, so a portal without custom fields still builds the table
    select
        cast(null as varchar) as portal_id,
        cast(null as varchar) as owner_type,
        cast(null as bigint) as record_id,
        cast(null as varchar) as column_name,
        cast(null as varchar) as field_value
    where false
    {%- for owner, relation, column in custom_columns %}
    union all
    select
        portal_id,
        '{{ owner }}' as owner_type,
        cast(id as bigint) as record_id,
        '{{ column }}' as column_name,
        cast({{ column }} as varchar) as field_value
    from {{ relation }}
    where nullif(cast({{ column }} as varchar), '') is not null
    {%- endfor %}

)

select * from field_values
