{#- One row per stay of a deal in a stage; current stays aged to the portal clock. -#}
with

intervals as (

    select * from {{ ref('int_deal_stage_intervals') }}

),

stages as (

    select * from {{ ref('dim_funnel_stages') }}

),

deals as (

    select * from {{ ref('stg_bitrix24__deals') }}

),

named as (

    select
        intervals.portal_id,
        intervals.stage_history_id,
        intervals.deal_id,
        intervals.funnel_id,
        intervals.stage_id,
        -- a stage removed from the funnel since keeps its code as its name
        coalesce(stages.stage_name, intervals.stage_id) as stage_name,
        stages.stage_order,
        intervals.stage_semantic_id,
        intervals.stay_number,
        intervals.entered_at,
        intervals.exited_at,
        intervals.is_current,
        cast(intervals.days_in_stage as decimal(12, 3)) as days_in_stage,
        -- metrics.md: latest stay and cumulative time when a deal re-enters a stage
        intervals.stay_number = max(intervals.stay_number) over (
            partition by intervals.portal_id, intervals.deal_id, intervals.stage_id
        ) as is_latest_stay,
        cast(sum(intervals.days_in_stage) over (
            partition by intervals.portal_id, intervals.deal_id, intervals.stage_id
            order by intervals.stay_number
        ) as decimal(12, 3)) as days_in_stage_cumulative,
        coalesce(deals.is_deleted, false) as is_deal_deleted
    from intervals
    left join stages
        on
            intervals.portal_id = stages.portal_id
            and intervals.stage_id = stages.stage_id
    left join deals
        on
            intervals.portal_id = deals.portal_id
            and intervals.deal_id = deals.deal_id

)

select * from named
