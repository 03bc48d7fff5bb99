{#-
    Where leads and deals come from (the portal's SOURCE list), plus one row for records that
    name no source: they are shown as «Источник неизвестен», never dropped (metrics.md).
-#}
with

statuses as (

    select * from {{ ref('stg_bitrix24__statuses') }}
    where list_id = 'SOURCE'

),

portals as (

    select distinct portal_id from {{ ref('stg_bitrix24__statuses') }}

),

listed as (

    select
        portal_id,
        status_id as source_id,
        status_name as source_name,
        sort_order,
        false as is_unknown
    from statuses

),

unknown as (

    select
        portal_id,
        'UNKNOWN' as source_id,
        'Источник неизвестен' as source_name,
        cast(null as integer) as sort_order,
        true as is_unknown
    from portals

),

sources as (

    select * from listed
    union all
    select * from unknown

)

select * from sources
