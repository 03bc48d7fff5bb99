{#-
    One row per company ever loaded, deleted ones flagged: clients, and the portal's own legal
    entities ("my companies", IS_MY_COMPANY = Y).
-#}
with

source as (

    select * from {{ source('bitrix24', 'companies') }}

),

deleted as (

    select * from {{ ref('stg_bitrix24__deletions') }}
    where entity = 'companies'

),

renamed as (

    select
        -- ids
        source.portal_id,
        cast(source.id as bigint) as company_id,
        {{ to_id('source.assigned_by_id') }} as assigned_user_id,
        {{ to_id('source.created_by_id') }} as created_by_user_id,

        -- strings
        source.title as company_name,
        nullif(source.company_type, '') as company_type,
        nullif(source.industry, '') as industry,

        -- booleans
        {{ to_flag('source.is_my_company') }} as is_my_company,
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
