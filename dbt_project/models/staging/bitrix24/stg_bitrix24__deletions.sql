{#- Records deleted on the portal, one row per record, with when the delete was noticed. -#}
with

source as (

    {{ optional_source('deletions', {
        'portal_id': 'varchar', 'entity': 'varchar', 'id': 'varchar', 'noticed_at': 'varchar'
    }) }}

),

renamed as (

    select
        -- ids
        portal_id,
        entity,
        cast(id as bigint) as record_id,

        -- timestamps (UTC)
        {{ to_utc('noticed_at') }} as deleted_noticed_at

    from source

)

select * from renamed
