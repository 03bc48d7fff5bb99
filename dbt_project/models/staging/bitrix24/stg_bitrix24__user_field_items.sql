{#- The labels of enumeration custom fields: one row per list item (value id → label). -#}
with

deal_fields as (

    select * from {{ source('bitrix24', 'deal_user_fields') }}

),

lead_fields as (

    select * from {{ source('bitrix24', 'lead_user_fields') }}

),

lists as (

    select
        'deal' as owner_type,
        portal_id,
        field_name,
        list
    from deal_fields
    where list is not null

    union all

    select
        'lead' as owner_type,
        portal_id,
        field_name,
        list
    from lead_fields
    where list is not null

),

items as (

    select
        lists.owner_type,
        lists.portal_id,
        lists.field_name,
        item.value as item
    from lists,
        {{ json_array_elements('lists.list') }} as item

),

renamed as (

    select
        -- ids
        portal_id,
        owner_type,
        lower(field_name) as column_name,
        {{ json_field('item', 'ID') }} as item_id,

        -- strings
        {{ json_field('item', 'VALUE') }} as item_label,

        -- numerics
        cast({{ json_field('item', 'SORT') }} as integer) as sort_order

    from items

)

select * from renamed
