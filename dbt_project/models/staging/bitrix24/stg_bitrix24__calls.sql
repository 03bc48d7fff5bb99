{#- Telephony statistics: one row per call, by the user who handled it. -#}
with

source as (

    select * from {{ source('bitrix24', 'calls') }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as bigint) as call_record_id,
        call_id,
        {{ to_id('portal_user_id') }} as user_id,
        {{ to_id('crm_entity_id') }} as crm_entity_id,
        {{ to_id('crm_activity_id') }} as activity_id,

        -- strings
        case call_type
            when '1' then 'outgoing'
            when '2' then 'incoming'
            when '3' then 'incoming'  -- redirected incoming
            when '4' then 'callback'
        end as direction,
        crm_entity_type,
        call_failed_code,

        -- numerics
        coalesce({{ to_number('call_duration', 'integer') }}, 0) as talk_seconds,

        -- booleans
        call_failed_code = '304' as is_missed,

        -- timestamps (UTC)
        {{ to_utc('call_start_date') }} as started_at

    from source

)

select * from renamed
