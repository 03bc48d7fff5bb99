{#-
    One row per stay of a deal in a stage (metrics.md, time in stage): entered at the stage
    history time, exited at the deal's next history time; a current stay is aged to the
    portal clock. Re-entries are numbered, so latest and cumulative time can both be read.
-#}
with

history as (

    select * from {{ ref('stg_bitrix24__deal_stage_history') }}

),

clock as (

    select * from {{ ref('int_portal_clock') }}

),

ordered as (

    select
        portal_id,
        deal_id,
        stage_history_id,
        funnel_id,
        stage_id,
        stage_semantic_id,
        entered_at,
        lead(entered_at) over (
            partition by portal_id, deal_id order by entered_at, stage_history_id
        ) as exited_at,
        row_number() over (
            partition by portal_id, deal_id, stage_id order by entered_at, stage_history_id
        ) as stay_number
    from history

),

aged as (

    select
        ordered.*,
        ordered.exited_at is null as is_current,
        {{ datediff_seconds('ordered.entered_at', 'coalesce(ordered.exited_at, clock.as_of_at)') }}
        / 86400.0 as days_in_stage
    from ordered
    inner join clock on ordered.portal_id = clock.portal_id

)

select * from aged
