{#-
    Every custom field value of deals and leads, decoded: one row per record and filled field,
    with the field's label and, for enumerations, the item's label («Тип объекта» = «хамам»,
    not 4). Fields are found in raw as the portal added them (`UF_CRM_*` columns), so a new
    field needs no change here.
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

fields as (

    select * from {{ ref('stg_bitrix24__user_fields') }}

),

items as (

    select * from {{ ref('stg_bitrix24__user_field_items') }}

),

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

),

decoded as (

    select
        field_values.portal_id,
        field_values.owner_type,
        field_values.record_id,
        coalesce(fields.field_name, upper(field_values.column_name)) as field_name,
        coalesce(fields.field_label, upper(field_values.column_name)) as field_label,
        fields.field_type,
        field_values.field_value,
        coalesce(items.item_label, field_values.field_value) as value_label
    from field_values
    left join fields
        on
            field_values.portal_id = fields.portal_id
            and field_values.owner_type = fields.owner_type
            and field_values.column_name = fields.column_name
    left join items
        on
            field_values.portal_id = items.portal_id
            and field_values.owner_type = items.owner_type
            and field_values.column_name = items.column_name
            and field_values.field_value = items.item_id

)

select * from decoded
