{#- One row per contact ever loaded, deleted ones flagged. Phones and e-mails stay in raw. -#}
with

source as (

    select * from {{ source('bitrix24', 'contacts') }}

),

deleted as (

    select * from {{ ref('stg_bitrix24__deletions') }}
    where entity = 'contacts'

),

renamed as (

    select
        -- ids
        source.portal_id,
        cast(source.id as bigint) as contact_id,
        {{ to_id('source.lead_id') }} as lead_id,
        {{ to_id('source.company_id') }} as company_id,
        {{ to_id('source.assigned_by_id') }} as assigned_user_id,
        {{ to_id('source.created_by_id') }} as created_by_user_id,

        -- strings
        trim(coalesce(source.name, '') || ' ' || coalesce(source.last_name, ''))
            as contact_name,
        nullif(source.type_id, '') as contact_type_id,
        nullif(source.source_id, '') as source_id,

        -- booleans
        {{ to_flag('source.has_phone') }} as has_phone,
        {{ to_flag('source.has_email') }} as has_email,
        deleted.record_id is not null as is_deleted,

        -- timestamps (UTC)
        {{ to_utc('source.date_create') }} as created_at,
        {{ to_utc('source.date_modify') }} as modified_at,
        deleted.deleted_noticed_at

    from source
    left join deleted
        on
            source.portal_id = deleted.portal_id
            and cast(source.id as bigint) = deleted.record_id

)

select * from renamed
