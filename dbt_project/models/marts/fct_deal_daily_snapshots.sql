{#-
    The open pipeline as it stood at the end of each portal-local day: one row per open deal
    per day, in the stage it was in that evening. A stay that began and ended on the same day
    never shows; a deal leaves the pipeline on the day it closes.

    A view, not a table: stays × days is ~100 rows a deal (100M rows on a portal of 1M
    deals), while a question names a few dates, and the view computes only those.
-#}
{{ config(materialized='view') }}

with

stays as (

    select * from {{ ref('fct_deal_stage_intervals') }}
    where stage_semantic_id = 'P' and not is_deal_deleted

),

deals as (

    select * from {{ ref('fct_deals') }}

),

days as (

    select * from {{ ref('metricflow_time_spine') }}

),

clock as (

    select * from {{ ref('int_portal_clock') }}

),

local_stays as (

    select
        stays.portal_id,
        stays.deal_id,
        stays.funnel_id,
        stays.stage_id,
        stays.stage_name,
        stays.stage_order,
        {{ to_portal_date('stays.entered_at') }} as entered_date,
        -- a current stay lasts through the portal clock's day
        coalesce(
            {{ to_portal_date('stays.exited_at') }},
            {{ dbt.dateadd('day', 1, to_portal_date('clock.as_of_at')) }}
        ) as left_date
    from stays
    inner join clock on stays.portal_id = clock.portal_id

),

snapshots as (

    select
        local_stays.portal_id,
        cast(days.date_day as date) as snapshot_date,
        local_stays.deal_id,
        local_stays.funnel_id,
        local_stays.stage_id,
        local_stays.stage_name,
        local_stays.stage_order,
        deals.manager_id,
        deals.amount_base,
        local_stays.entered_date
    from local_stays
    inner join days
        on
            local_stays.entered_date <= days.date_day
            and local_stays.left_date > days.date_day
    left join deals
        on
            local_stays.portal_id = deals.portal_id
            and local_stays.deal_id = deals.deal_id

),

aged as (

    select
        portal_id,
        snapshot_date,
        deal_id,
        funnel_id,
        stage_id,
        stage_name,
        stage_order,
        manager_id,
        amount_base,
        cast({{ days_between('entered_date', 'snapshot_date') }} as integer) as days_in_stage
    from snapshots

)

select * from aged
