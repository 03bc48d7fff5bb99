{#-
    Every custom field value of deals and leads, decoded: one row per record and filled field,
    with the field's label and, for enumerations, the item's label («Тип объекта» = «хамам»,
    not 4).
-#}
with

field_values as (

    select * from {{ ref('stg_bitrix24__custom_field_values') }}

),

fields as (

    select * from {{ ref('stg_bitrix24__user_fields') }}

),

items as (

    select * from {{ ref('stg_bitrix24__user_field_items') }}

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
