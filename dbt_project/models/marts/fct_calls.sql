{#- Telephony calls by the user who handled them; missed = failed with code 304. -#}
with

calls as (

    select * from {{ ref('stg_bitrix24__calls') }}

),

dated as (

    select
        portal_id,
        call_record_id,
        user_id,
        direction,
        is_missed,
        talk_seconds,
        crm_entity_type,
        crm_entity_id,
        started_at,
        {{ to_portal_date('started_at') }} as started_date
    from calls

)

select * from dated
