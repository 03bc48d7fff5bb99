{#-
    Custom field definitions of deals and leads (crm.*.userfield.list). `column_name` is the
    field's column in raw, where its values land as the portal sent them.
-#}
with

deal_fields as (

    select * from {{ source('bitrix24', 'deal_user_fields') }}

),

lead_fields as (

    select * from {{ source('bitrix24', 'lead_user_fields') }}

),

unioned as (

    select
        'deal' as owner_type,
        portal_id,
        id,
        field_name,
        user_type_id,
        multiple,
        edit_form_label,
        list_column_label,
        sort
    from deal_fields

    union all

    select
        'lead' as owner_type,
        portal_id,
        id,
        field_name,
        user_type_id,
        multiple,
        edit_form_label,
        list_column_label,
        sort
    from lead_fields

),

renamed as (

    select
        -- ids
        portal_id,
        owner_type,
        cast(id as bigint) as user_field_id,
        field_name,
        lower(field_name) as column_name,

        -- strings
        coalesce(
            nullif(edit_form_label, ''), nullif(list_column_label, ''), field_name
        ) as field_label,
        user_type_id as field_type,

        -- numerics
        {{ to_number('sort', 'integer') }} as sort_order,

        -- booleans
        {{ to_flag('multiple') }} as is_multiple

    from unioned

)

select * from renamed
