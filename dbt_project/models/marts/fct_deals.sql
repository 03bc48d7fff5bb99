{#-
    The deal lifecycle, one row per deal ever loaded (deleted ones flagged, left out of every
    metric): when it was created and closed, by whom, for how much in the base currency, how
    long it took, when it was last touched, and what is overdue on it.
-#}
with

deals as (

    select * from {{ ref('stg_bitrix24__deals') }}

),

stages as (

    select * from {{ ref('dim_funnel_stages') }}

),

currencies as (

    select * from {{ ref('stg_bitrix24__currencies') }}

),

sources as (

    select * from {{ ref('stg_bitrix24__statuses') }}
    where list_id = 'SOURCE'

),

legal_entities as (

    select
        deals.portal_id,
        deals.deal_id,
        deals.legal_entity_id,
        companies.company_name as legal_entity_name
    from {{ ref('stg_bitrix24__deal_legal_entities') }} as deals
    left join {{ ref('stg_bitrix24__companies') }} as companies
        on
            deals.portal_id = companies.portal_id
            and deals.legal_entity_id = companies.company_id

),

moves as (

    select * from {{ ref('int_deal_stage_moves') }}

),

activities as (

    select * from {{ ref('stg_bitrix24__activities') }}
    where owner_type = 'deal' and not is_deleted

),

clock as (

    select * from {{ ref('int_portal_clock') }}

),

closing_moves as (

    -- the latest move into a final stage: the close the CRM shows now
    select
        portal_id,
        deal_id,
        moved_at as closed_at,
        moved_by_user_id as closed_by_user_id,
        actor_source as close_actor_source,
        is_automation_suspected as is_close_automation_suspected,
        row_number() over (
            partition by portal_id, deal_id order by moved_at desc, stage_history_id desc
        ) as recency
    from moves
    where to_stage_semantic_id in ('S', 'F')

),

last_moves as (

    select
        portal_id,
        deal_id,
        max(moved_at) as last_moved_at
    from moves
    group by portal_id, deal_id

),

activity_rollup as (

    select
        activities.portal_id,
        activities.owner_id as deal_id,
        count(*) as activities,
        max(
            case
                when activities.is_completed then activities.updated_at else activities.created_at
            end
        ) as last_activity_touch_at,
        count(case when not activities.is_completed then 1 end) as open_activities,
        count(
            case
                when not activities.is_completed and activities.deadline_at < clock.as_of_at then 1
            end
        ) as overdue_activities
    from activities
    inner join clock on activities.portal_id = clock.portal_id
    group by activities.portal_id, activities.owner_id

),

lifecycle as (

    select
        deals.portal_id,
        deals.deal_id,
        replace('{{ var("portal_url_template") }}', '{portal_id}', deals.portal_id)
        || '/crm/deal/details/' || deals.deal_id || '/' as deal_url,
        deals.title,
        deals.funnel_id,
        stages.funnel_name,
        deals.stage_id,
        coalesce(stages.stage_name, deals.stage_id) as stage_name,
        stages.stage_order,
        deals.stage_semantic_id,
        case deals.stage_semantic_id
            when 'S' then 'won'
            when 'F' then 'lost'
            else 'open'
        end as outcome,
        deals.assigned_user_id as manager_id,
        deals.lead_id,
        deals.contact_id,
        deals.company_id,
        legal_entities.legal_entity_id,
        coalesce(legal_entities.legal_entity_name, 'Юрлицо не указано') as legal_entity_name,
        deals.source_id,
        coalesce(sources.status_name, 'Источник неизвестен') as source_name,
        deals.utm_source,
        deals.utm_medium,
        deals.utm_campaign,
        deals.currency_id,
        deals.amount,
        cast(round(deals.amount * currencies.rate_to_base, 2) as decimal(18, 2)) as amount_base,
        deals.created_at,
        {{ to_portal_date('deals.created_at') }} as created_date,
        case
            when deals.stage_semantic_id != 'P' then
                coalesce(closing_moves.closed_at, deals.moved_at)
        end as closed_at,
        case
            when deals.stage_semantic_id != 'P' then
                {{ to_portal_date('coalesce(closing_moves.closed_at, deals.moved_at)') }}
        end as closed_date,
        deals.close_date as planned_close_date,
        closing_moves.closed_by_user_id,
        closing_moves.close_actor_source,
        coalesce(closing_moves.is_close_automation_suspected, false)
            as is_close_automation_suspected,
        greatest(
            deals.created_at,
            coalesce(last_moves.last_moved_at, deals.created_at),
            coalesce(activity_rollup.last_activity_touch_at, deals.created_at)
        ) as last_touch_at,
        coalesce(activity_rollup.activities, 0) as activities,
        coalesce(activity_rollup.open_activities, 0) as open_activities,
        coalesce(activity_rollup.overdue_activities, 0) as overdue_activities,
        deals.is_deleted,
        clock.as_of_at
    from deals
    inner join clock on deals.portal_id = clock.portal_id
    left join stages
        on
            deals.portal_id = stages.portal_id
            and deals.stage_id = stages.stage_id
    left join currencies
        on
            deals.portal_id = currencies.portal_id
            and deals.currency_id = currencies.currency_id
    left join sources
        on
            deals.portal_id = sources.portal_id
            and deals.source_id = sources.status_id
    left join legal_entities
        on
            deals.portal_id = legal_entities.portal_id
            and deals.deal_id = legal_entities.deal_id
    left join closing_moves
        on
            deals.portal_id = closing_moves.portal_id
            and deals.deal_id = closing_moves.deal_id
            and closing_moves.recency = 1
    left join last_moves
        on
            deals.portal_id = last_moves.portal_id
            and deals.deal_id = last_moves.deal_id
    left join activity_rollup
        on
            deals.portal_id = activity_rollup.portal_id
            and deals.deal_id = activity_rollup.deal_id

),

flagged as (

    select
        portal_id,
        deal_id,
        deal_url,
        title,
        funnel_id,
        funnel_name,
        stage_id,
        stage_name,
        stage_order,
        stage_semantic_id,
        outcome,
        manager_id,
        lead_id,
        contact_id,
        company_id,
        legal_entity_id,
        legal_entity_name,
        source_id,
        source_name,
        utm_source,
        utm_medium,
        utm_campaign,
        currency_id,
        amount,
        amount_base,
        created_at,
        created_date,
        closed_at,
        closed_date,
        planned_close_date,
        closed_by_user_id,
        close_actor_source,
        is_close_automation_suspected,
        case
            when outcome = 'won' then
                cast({{ datediff_seconds('created_at', 'closed_at') }} / 86400.0 as decimal(12, 2))
        end as cycle_days,
        last_touch_at,
        cast(
            {{ datediff_seconds('last_touch_at', 'as_of_at') }} / 86400.0 as decimal(12, 2)
        ) as days_since_touch,
        activities,
        open_activities,
        overdue_activities,
        outcome = 'open'
        and {{ datediff_seconds('last_touch_at', 'as_of_at') }}
        >= {{ var('forgotten_after_days') }} * 86400 as is_forgotten,
        outcome = 'open' and activities = 0 as is_unprocessed,
        -- kept apart from overdue activities (metrics.md): the date is the deal's own promise
        coalesce(
            outcome = 'open' and planned_close_date < {{ to_portal_date('as_of_at') }}, false
        ) as is_past_close_date,
        is_deleted
    from lifecycle

)

select * from flagged
