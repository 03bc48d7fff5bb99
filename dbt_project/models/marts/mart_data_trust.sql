{#-
    Can the numbers be trusted? One row per portal and list: when a load last read it and what
    arrived, the portal's own total at the latest census beside the live rows held here, and
    the deletes noticed. The data-trust report page reads this; mart_reconciliation names the
    records behind any difference.
-#}
with

audit as (

    select * from {{ ref('stg_bitrix24__extraction_audit') }}

),

live_rows as (

    select * from {{ ref('int_live_row_counts') }}

),

deletions as (

    select
        portal_id,
        entity,
        count(*) as deleted_noticed,
        max(deleted_noticed_at) as last_delete_noticed_at
    from {{ ref('stg_bitrix24__deletions') }}
    group by portal_id, entity

),

last_read as (

    select
        portal_id,
        entity,
        run_began_at as last_read_at,
        window_read as last_window,
        rows_received as last_rows_received,
        requests as last_requests,
        retries as last_retries
    from audit
    where run_began_at is not null  -- entity lines, not the run's own calls (server.time)
    qualify row_number() over (partition by portal_id, entity order by load_id desc) = 1

),

last_census as (

    select
        portal_id,
        entity,
        run_began_at as counted_at,
        api_total
    from audit
    where api_total is not null
    qualify row_number() over (partition by portal_id, entity order by load_id desc) = 1

),

clock as (

    select * from {{ ref('int_portal_clock') }}

),

trust as (

    select
        last_read.portal_id,
        last_read.entity,
        last_read.last_read_at,
        last_read.last_window,
        last_read.last_rows_received,
        last_read.last_requests,
        last_read.last_retries,
        last_census.counted_at,
        last_census.api_total,
        live_rows.live_rows,
        live_rows.live_rows_at_census,
        coalesce(deletions.deleted_noticed, 0) as deleted_noticed,
        deletions.last_delete_noticed_at,
        cast(
            {{ datediff_seconds('last_read.last_read_at', 'clock.as_of_at') }} / 3600
            as decimal(12, 1)
        ) as hours_since_read,
        -- as of the census, as mart_reconciliation compares: later loads add what it never saw
        coalesce(last_census.api_total = live_rows.live_rows_at_census, true)
            as is_total_matching,
        clock.as_of_at as portal_clock_at
    from last_read
    left join last_census
        on
            last_read.portal_id = last_census.portal_id
            and last_read.entity = last_census.entity
    left join live_rows
        on
            last_read.portal_id = live_rows.portal_id
            and last_read.entity = live_rows.entity
    left join deletions
        on
            last_read.portal_id = deletions.portal_id
            and last_read.entity = deletions.entity
    left join clock
        on last_read.portal_id = clock.portal_id

)

select * from trust
