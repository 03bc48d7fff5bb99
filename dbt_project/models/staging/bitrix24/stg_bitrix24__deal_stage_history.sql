{#-
    Every stage a deal entered, as the portal's stage history keeps it (no actor). A deal's
    history disappears on the portal when the deal is deleted; here it stays.
-#}
with

source as (

    select * from {{ source('bitrix24', 'deal_stage_history') }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as bigint) as stage_history_id,
        cast(owner_id as bigint) as deal_id,
        {{ to_number('category_id', 'integer') }} as funnel_id,
        stage_id,

        -- strings
        stage_semantic_id,
        case type_id
            when '1' then 'created'
            when '2' then 'moved'
            when '3' then 'closed'
            when '5' then 'funnel_changed'
        end as change_type,

        -- timestamps (UTC)
        {{ to_utc('created_time') }} as entered_at

    from source

)

select * from renamed
