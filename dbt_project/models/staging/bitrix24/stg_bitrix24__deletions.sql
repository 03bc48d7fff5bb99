{#-
    Records deleted on the portal, one row per record, with when the delete was noticed.
    The raw table appears with the first delete a scan finds; until then this is empty.
-#}
{%- set deletions = source('bitrix24', 'deletions') -%}
{%- set loaded = execute and adapter.get_relation(
    database=deletions.database,
    schema=deletions.schema,
    identifier=deletions.identifier,
) is not none -%}

with

{% if loaded %}

    source as (

        select * from {{ deletions }}

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

{% else %}

    renamed as (

        select
            cast(null as varchar) as portal_id,
            cast(null as varchar) as entity,
            cast(null as bigint) as record_id,
            cast(null as timestamp) as deleted_noticed_at
        where false

    )

{% endif %}

select * from renamed
