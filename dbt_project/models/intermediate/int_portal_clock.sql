{#-
    "Now" for each portal: when the latest extraction run began, on the portal's clock. Ages
    and overdue flags are measured against it, so the marts describe the data they hold
    (the demo portal lives in April 2025) and rebuilding them later changes nothing.
-#}
with

audit as (

    select * from {{ ref('stg_bitrix24__extraction_audit') }}

),

deals as (

    select * from {{ ref('stg_bitrix24__deals') }}

),

from_audit as (

    select
        portal_id,
        max(run_began_at) as as_of_at
    from audit
    group by portal_id

),

from_deals as (

    select
        portal_id,
        max(modified_at) as as_of_at
    from deals
    group by portal_id

),

clock as (

    select
        from_deals.portal_id,
        coalesce(from_audit.as_of_at, from_deals.as_of_at) as as_of_at
    from from_deals
    left join from_audit on from_deals.portal_id = from_audit.portal_id

)

select * from clock
