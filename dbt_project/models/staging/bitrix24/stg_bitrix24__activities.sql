{#- One row per activity (call, e-mail, meeting, to-do, open-line session), deleted flagged. -#}
with

source as (

    select * from {{ source('bitrix24', 'activities') }}

),

deleted as (

    select * from {{ ref('stg_bitrix24__deletions') }}
    where entity = 'activities'

),

renamed as (

    select
        -- ids
        source.portal_id,
        cast(source.id as bigint) as activity_id,
        {{ to_id('source.owner_id') }} as owner_id,
        {{ to_number('source.owner_type_id', 'integer') }} as owner_type_id,
        {{ to_id('source.responsible_id') }} as responsible_user_id,
        {{ to_id('source.author_id') }} as author_user_id,

        -- strings
        source.provider_id,
        case
            when source.provider_id = 'VOXIMPLANT_CALL' then 'call'
            when source.provider_id = 'CRM_EMAIL' then 'email'
            when source.provider_id = 'CRM_MEETING' then 'meeting'
            when source.provider_id = 'IMOPENLINES_SESSION' then 'open_line'
            when source.provider_id in ('CRM_TODO', 'TASKS_TASK') then 'todo'
            else 'other'
        end as activity_kind,
        case {{ to_number('source.owner_type_id', 'integer') }}
            when 1 then 'lead'
            when 2 then 'deal'
            when 3 then 'contact'
            when 4 then 'company'
        end as owner_type,
        case source.direction
            when '1' then 'incoming'
            when '2' then 'outgoing'
        end as direction,
        source.subject,

        -- booleans
        {{ to_flag('source.completed') }} as is_completed,
        deleted.record_id is not null as is_deleted,

        -- timestamps (UTC)
        {{ to_utc('source.created') }} as created_at,
        {{ to_utc('source.last_updated') }} as updated_at,
        {{ to_utc("nullif(source.start_time, '')") }} as starts_at,
        {{ to_utc("nullif(source.end_time, '')") }} as ends_at,
        {{ to_utc("nullif(source.deadline, '')") }} as deadline_at,
        deleted.deleted_noticed_at

    from source
    left join deleted
        on
            source.portal_id = deleted.portal_id
            and cast(source.id as bigint) = deleted.record_id

)

select * from renamed
