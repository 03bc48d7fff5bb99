{#- Stages of every funnel in their order, with what reaching them means. -#}
with

stages as (

    select * from {{ ref('stg_bitrix24__deal_stages') }}

),

funnels as (

    select * from {{ ref('stg_bitrix24__funnels') }}

),

funnel_stages as (

    select
        stages.portal_id,
        stages.funnel_id,
        funnels.funnel_name,
        stages.stage_id,
        stages.stage_name,
        stages.stage_semantics,
        stages.stage_semantics != 'process' as is_final,
        row_number() over (
            partition by stages.portal_id, stages.funnel_id
            order by stages.sort_order, stages.stage_id
        ) as stage_order
    from stages
    left join funnels
        on
            stages.portal_id = funnels.portal_id
            and stages.funnel_id = funnels.funnel_id

)

select * from funnel_stages
