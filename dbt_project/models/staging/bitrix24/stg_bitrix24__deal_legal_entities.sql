{#-
    Which of the portal's own companies («моя компания») each deal is signed by. Only the
    universal crm.item.list carries it (mycompanyId); the legacy deal rows do not.
-#}
with

source as (

    select * from {{ source('bitrix24', 'deal_legal_entities') }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as bigint) as deal_id,
        {{ to_id('mycompany_id') }} as legal_entity_id,  -- none comes as 0

        -- timestamps (UTC)
        {{ to_utc('updated_time') }} as modified_at

    from source

)

select * from renamed
