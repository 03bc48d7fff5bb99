{#-
    Funnel and bottlenecks, one row per stage of every funnel (metrics.md: time in stage,
    stage conversion, bottleneck). Deleted deals are left out.
    - Time in stage: completed stays and the current age of open deals, apart.
    - Conversion counts any-stage: a deal has reached a stage when it got to it or to any
      later one (a skipped stage counts as passed); backward moves are not progress, and
      failure stages are never reached, only fallen into.
    - Bottleneck: open deals in the stage × their median age there, ranked per funnel.
-#}
with

stages as (

    select * from {{ ref('dim_funnel_stages') }}

),

stays as (

    select * from {{ ref('fct_deal_stage_intervals') }}
    where not is_deal_deleted

),

deals as (

    select * from {{ ref('fct_deals') }}
    where not is_deleted

),

furthest as (

    -- how far along its funnel each deal ever got
    select
        portal_id,
        deal_id,
        funnel_id,
        max(stage_order) as furthest_order
    from stays
    where stage_semantic_id != 'F'
    group by portal_id, deal_id, funnel_id

),

reached as (

    select
        stages.portal_id,
        stages.stage_id,
        count(furthest.deal_id) as deals_reached
    from stages
    left join furthest
        on
            stages.portal_id = furthest.portal_id
            and stages.funnel_id = furthest.funnel_id
            and stages.stage_order <= furthest.furthest_order
    where stages.stage_semantics != 'failure'
    group by stages.portal_id, stages.stage_id

),

completed as (

    select
        portal_id,
        stage_id,
        count(*) as completed_stays,
        median(days_in_stage) as median_days_in_stage,
        avg(days_in_stage) as mean_days_in_stage
    from stays
    where not is_current
    group by portal_id, stage_id

),

current_stays as (

    select
        stays.portal_id,
        stays.stage_id,
        count(*) as open_deals,
        sum(deals.amount_base) as open_amount,
        median(stays.days_in_stage) as median_days_open
    from stays
    inner join deals
        on
            stays.portal_id = deals.portal_id
            and stays.deal_id = deals.deal_id
    where stays.is_current and deals.outcome = 'open'
    group by stays.portal_id, stays.stage_id

),

measured as (

    select
        stages.portal_id,
        stages.funnel_id,
        stages.funnel_name,
        stages.stage_id,
        stages.stage_name,
        stages.stage_order,
        stages.stage_semantics,
        coalesce(current_stays.open_deals, 0) as open_deals,
        cast(coalesce(current_stays.open_amount, 0) as decimal(18, 2)) as open_amount,
        cast(current_stays.median_days_open as decimal(12, 1)) as median_days_open,
        coalesce(completed.completed_stays, 0) as completed_stays,
        cast(completed.median_days_in_stage as decimal(12, 1)) as median_days_in_stage,
        cast(completed.mean_days_in_stage as decimal(12, 1)) as mean_days_in_stage,
        reached.deals_reached,
        lead(reached.deals_reached) over (
            partition by stages.portal_id, stages.funnel_id, stages.stage_semantics = 'failure'
            order by stages.stage_order
        ) as deals_reached_next,
        first_value(reached.deals_reached) over (
            partition by stages.portal_id, stages.funnel_id
            order by stages.stage_order
        ) as deals_entered_funnel,
        cast(
            coalesce(current_stays.open_deals, 0) * coalesce(current_stays.median_days_open, 0)
            as decimal(18, 1)
        ) as bottleneck_score
    from stages
    left join current_stays
        on
            stages.portal_id = current_stays.portal_id
            and stages.stage_id = current_stays.stage_id
    left join completed
        on
            stages.portal_id = completed.portal_id
            and stages.stage_id = completed.stage_id
    left join reached
        on
            stages.portal_id = reached.portal_id
            and stages.stage_id = reached.stage_id

),

ranked as (

    select
        portal_id,
        funnel_id,
        funnel_name,
        stage_id,
        stage_name,
        stage_order,
        stage_semantics,
        open_deals,
        open_amount,
        median_days_open,
        completed_stays,
        median_days_in_stage,
        mean_days_in_stage,
        deals_reached,
        case
            when stage_semantics = 'process' and deals_reached > 0
                then cast(deals_reached_next * 1.0 / deals_reached as decimal(5, 4))
        end as next_step_conversion,
        case
            when stage_semantics != 'failure' and deals_entered_funnel > 0
                then cast(deals_reached * 1.0 / deals_entered_funnel as decimal(5, 4))
        end as cumulative_conversion,
        bottleneck_score,
        case
            when stage_semantics = 'process'
                then rank() over (
                    partition by portal_id, funnel_id, stage_semantics = 'process'
                    order by bottleneck_score desc
                )
        end as bottleneck_rank
    from measured

)

select * from ranked
