{#-
    One row per lead ever loaded (deleted ones flagged): its source and UTM tags, whether and
    when it became a deal, the revenue its deals won, and how fast someone first answered.
    A lead counts as converted when it reached a success status or a deal names it (metrics.md,
    lead → deal conversion). The first response is the first human outbound touch on the lead
    or on a deal made from it: an outgoing call, a sent e-mail or an open-line conversation.
-#}
with

leads as (

    select * from {{ ref('stg_bitrix24__leads') }}

),

statuses as (

    select * from {{ ref('stg_bitrix24__statuses') }}
    where list_id = 'STATUS'

),

sources as (

    select * from {{ ref('dim_sources') }}

),

status_history as (

    select * from {{ ref('stg_bitrix24__lead_status_history') }}

),

deals as (

    select * from {{ ref('fct_deals') }}
    where lead_id is not null and not is_deleted

),

activities as (

    select * from {{ ref('fct_activities') }}
    where not is_deleted

),

first_success as (

    select
        portal_id,
        lead_id,
        min(entered_at) as converted_at
    from status_history
    where status_semantic_id = 'S'
    group by portal_id, lead_id

),

lead_deals as (

    select
        portal_id,
        lead_id,
        min(created_at) as first_deal_created_at,
        count(*) as deals,
        count(case when outcome = 'won' then 1 end) as won_deals,
        coalesce(sum(case when outcome = 'won' then amount_base end), 0) as won_revenue
    from deals
    group by portal_id, lead_id

),

touches as (

    -- activities on the lead itself, and on the deals made from it
    select
        activities.portal_id,
        activities.owner_id as lead_id,
        activities.activity_kind,
        activities.direction,
        activities.created_at
    from activities
    where activities.owner_type = 'lead'

    union all

    select
        activities.portal_id,
        deals.lead_id,
        activities.activity_kind,
        activities.direction,
        activities.created_at
    from activities
    inner join deals
        on
            activities.portal_id = deals.portal_id
            and activities.owner_id = deals.deal_id
    where activities.owner_type = 'deal'

),

lead_touches as (

    select
        touches.portal_id,
        touches.lead_id,
        count(*) as activities,
        min(
            case
                when
                    touches.activity_kind = 'open_line'
                    or (
                        touches.activity_kind in ('call', 'email')
                        and touches.direction = 'outgoing'
                    )
                    then touches.created_at
            end
        ) as first_response_at
    from touches
    group by touches.portal_id, touches.lead_id

),

lifecycle as (

    select
        leads.portal_id,
        leads.lead_id,
        leads.title,
        leads.status_id,
        coalesce(statuses.status_name, leads.status_id) as status_name,
        leads.assigned_user_id as manager_id,
        coalesce(leads.source_id, 'UNKNOWN') as source_id,
        coalesce(sources.source_name, 'Источник неизвестен') as source_name,
        leads.utm_source,
        leads.utm_medium,
        leads.utm_campaign,
        leads.created_at,
        {{ to_portal_date('leads.created_at') }} as created_date,
        coalesce(first_success.converted_at, lead_deals.first_deal_created_at) as converted_at,
        leads.status_semantic_id = 'S' or lead_deals.deals is not null as is_converted,
        leads.status_semantic_id = 'F' as is_junk,
        coalesce(lead_deals.deals, 0) as deals,
        coalesce(lead_deals.won_deals, 0) as won_deals,
        cast(coalesce(lead_deals.won_revenue, 0) as decimal(18, 2)) as won_revenue,
        lead_touches.first_response_at,
        coalesce(lead_touches.activities, 0) as activities,
        leads.is_deleted
    from leads
    left join statuses
        on
            leads.portal_id = statuses.portal_id
            and leads.status_id = statuses.status_id
    left join sources
        on
            leads.portal_id = sources.portal_id
            and coalesce(leads.source_id, 'UNKNOWN') = sources.source_id
    left join first_success
        on
            leads.portal_id = first_success.portal_id
            and leads.lead_id = first_success.lead_id
    left join lead_deals
        on
            leads.portal_id = lead_deals.portal_id
            and leads.lead_id = lead_deals.lead_id
    left join lead_touches
        on
            leads.portal_id = lead_touches.portal_id
            and leads.lead_id = lead_touches.lead_id

),

flagged as (

    select
        *,
        case
            when is_converted then 'converted'
            when is_junk then 'junk'
            else 'open'
        end as outcome,
        {{ to_portal_date('converted_at') }} as converted_date,
        cast(
            {{ datediff_seconds('created_at', 'first_response_at') }} / 60.0 as decimal(12, 1)
        ) as first_response_minutes,
        not is_converted and not is_junk and activities = 0 as is_unprocessed
    from lifecycle

),

bucketed as (

    select
        *,
        case
            when first_response_minutes is null then null
            when first_response_minutes < 5 then '0–5 мин'
            when first_response_minutes < 15 then '5–15 мин'
            when first_response_minutes < 60 then '15–60 мин'
            else '60+ мин'
        end as first_response_bucket
    from flagged

)

select * from bucketed
