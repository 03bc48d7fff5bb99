{#- One row per lead ever loaded, deleted ones flagged. Phones stay in raw. -#}
with

source as (

    select * from {{ source('bitrix24', 'leads') }}

),

deleted as (

    select * from {{ ref('stg_bitrix24__deletions') }}
    where entity = 'leads'

),

renamed as (

    select
        -- ids
        source.portal_id,
        cast(source.id as bigint) as lead_id,
        source.status_id,
        {{ to_id('source.assigned_by_id') }} as assigned_user_id,
        {{ to_id('source.created_by_id') }} as created_by_user_id,
        {{ to_id('source.moved_by_id') }} as moved_by_user_id,
        {{ to_id('source.contact_id') }} as contact_id,

        -- strings
        source.title,
        source.status_semantic_id,
        source.currency_id,
        nullif(source.source_id, '') as source_id,
        nullif(source.utm_source, '') as utm_source,
        nullif(source.utm_medium, '') as utm_medium,
        nullif(source.utm_campaign, '') as utm_campaign,

        -- numerics
        {{ to_number('source.opportunity') }} as amount,

        -- booleans
        {{ to_flag('source.has_phone') }} as has_phone,
        {{ to_flag('source.has_email') }} as has_email,
        deleted.record_id is not null as is_deleted,

        -- timestamps (UTC)
        {{ to_utc('source.date_create') }} as created_at,
        {{ to_utc('source.date_modify') }} as modified_at,
        {{ to_utc('source.moved_time') }} as moved_at,
        {{ to_utc("nullif(source.date_closed, '')") }} as closed_at,
        deleted.deleted_noticed_at

    from source
    left join deleted
        on
            source.portal_id = deleted.portal_id
            and cast(source.id as bigint) = deleted.record_id

)

select * from renamed
