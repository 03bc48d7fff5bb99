{#-
    Every stage move with who made it (metrics.md, stage-move actor). Stage history has no
    actor; a move is attributed when the extractor saw the deal with that MOVED_TIME
    (actor_source = observed), else the actor is unknown. A move is suspected automation when
    its account works no deals of its own or moved many deals within one minute.
-#}
with

history as (

    select * from {{ ref('stg_bitrix24__deal_stage_history') }}

),

observed as (

    select distinct
        portal_id,
        deal_id,
        moved_at,
        moved_by_user_id
    from {{ ref('stg_bitrix24__deal_moves_observed') }}

),

deals as (

    select * from {{ ref('stg_bitrix24__deals') }}

),

deal_workers as (

    select distinct
        portal_id,
        assigned_user_id as user_id
    from deals

),

moves as (

    select
        portal_id,
        deal_id,
        stage_history_id,
        funnel_id,
        lag(stage_id) over (
            partition by portal_id, deal_id order by entered_at, stage_history_id
        ) as from_stage_id,
        stage_id as to_stage_id,
        stage_semantic_id as to_stage_semantic_id,
        change_type,
        entered_at as moved_at
    from history

),

attributed as (

    select
        moves.*,
        observed.moved_by_user_id,
        case
            when observed.moved_by_user_id is not null then 'observed'
            else 'unknown'
        end as actor_source
    from moves
    left join observed
        on
            moves.portal_id = observed.portal_id
            and moves.deal_id = observed.deal_id
            and moves.moved_at = observed.moved_at
    where moves.change_type != 'created'

),

with_burst as (

    select
        attributed.*,
        count(*) over (
            partition by
                attributed.portal_id,
                attributed.moved_by_user_id,
                date_trunc('minute', attributed.moved_at)
        ) as moves_by_actor_that_minute
    from attributed

),

flagged as (

    select
        with_burst.*,
        with_burst.moved_by_user_id is not null
        and (
            deal_workers.user_id is null
            or with_burst.moves_by_actor_that_minute >= {{ var('automation_moves_per_minute') }}
        ) as is_automation_suspected
    from with_burst
    left join deal_workers
        on
            with_burst.portal_id = deal_workers.portal_id
            and with_burst.moved_by_user_id = deal_workers.user_id

)

select * from flagged
