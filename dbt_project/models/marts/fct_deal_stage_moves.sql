{#- Every stage move, with who made it and whether it looks like automation. -#}
with

moves as (

    select * from {{ ref('int_deal_stage_moves') }}

),

stages as (

    select * from {{ ref('dim_funnel_stages') }}

),

managers as (

    select * from {{ ref('dim_managers') }}

),

named as (

    select
        moves.portal_id,
        moves.stage_history_id,
        moves.deal_id,
        moves.funnel_id,
        moves.from_stage_id,
        moves.to_stage_id,
        coalesce(to_stage.stage_name, moves.to_stage_id) as to_stage_name,
        moves.to_stage_semantic_id,
        moves.change_type,
        to_stage.stage_order < from_stage.stage_order as is_backward,
        moves.moved_at,
        {{ to_portal_date('moves.moved_at') }} as moved_date,
        moves.moved_by_user_id,
        managers.manager_name as moved_by_name,
        moves.actor_source,
        moves.is_automation_suspected
    from moves
    left join stages as to_stage
        on
            moves.portal_id = to_stage.portal_id
            and moves.to_stage_id = to_stage.stage_id
    left join stages as from_stage
        on
            moves.portal_id = from_stage.portal_id
            and moves.from_stage_id = from_stage.stage_id
    left join managers
        on
            moves.portal_id = managers.portal_id
            and moves.moved_by_user_id = managers.manager_id

)

select * from named
