{#-
    Each portal's latest census run (a load with `--scan-deletes`, which counts every list):
    when it began on the portal's clock, and whether any load has run since. The warehouse is
    reconciled with the CRM as of that moment: what changed later is explained by later loads.
-#}
with

audit as (

    select * from {{ ref('stg_bitrix24__extraction_audit') }}

),

loads as (

    select
        portal_id,
        max(case when api_total is not null then load_id end) as census_load_id,
        max(load_id) as latest_load_id
    from audit
    group by portal_id

),

census as (

    select
        loads.portal_id,
        loads.census_load_id,
        min(audit.run_began_at) as census_at,
        loads.census_load_id = loads.latest_load_id as is_latest_load
    from loads
    inner join audit
        on
            loads.portal_id = audit.portal_id
            and loads.census_load_id = audit.load_id
    group by loads.portal_id, loads.census_load_id, loads.latest_load_id

)

select * from census
