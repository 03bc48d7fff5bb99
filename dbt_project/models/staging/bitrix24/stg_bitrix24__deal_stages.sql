{#- Deal stages of every funnel: DEAL_STAGE (funnel 0) and DEAL_STAGE_<n>. -#}
with

statuses as (

    select * from {{ ref('stg_bitrix24__statuses') }}

),

stages as (

    select
        -- ids
        portal_id,
        status_id as stage_id,
        coalesce(funnel_id, 0) as funnel_id,

        -- strings
        status_name as stage_name,
        status_semantics as stage_semantics,

        -- numerics
        sort_order

    from statuses
    where list_id = 'DEAL_STAGE' or list_id like 'DEAL_STAGE_%'

)

select * from stages
