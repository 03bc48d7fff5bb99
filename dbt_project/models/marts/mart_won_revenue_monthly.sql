{#-
    Won revenue (period) by portal-local month and responsible manager (metrics.md).
    The move into a success stage is dated by the deal's MOVED_TIME: for a deal sitting in a
    success stage that is the time it got there. Stage history takes over once it is loaded.
    Deals deleted on the portal are left out, as the CRM's own totals leave them out.
-#}
with

deals as (

    select * from {{ ref('stg_bitrix24__deals') }}

),

stages as (

    select * from {{ ref('stg_bitrix24__deal_stages') }}

),

currencies as (

    select * from {{ ref('stg_bitrix24__currencies') }}

),

users as (

    select * from {{ ref('stg_bitrix24__users') }}

),

deleted_deals as (

    select * from {{ ref('stg_bitrix24__deletions') }}
    where entity = 'deals'

),

won_deals as (

    select
        deals.portal_id,
        deals.deal_id,
        deals.assigned_user_id,
        cast(
            date_trunc('month', {{ to_portal_time('deals.moved_at') }}) as date
        ) as won_month,
        round(deals.amount * currencies.rate_to_base, 2) as amount_base
    from deals
    inner join stages
        on
            deals.portal_id = stages.portal_id
            and deals.stage_id = stages.stage_id
    inner join currencies
        on
            deals.portal_id = currencies.portal_id
            and deals.currency_id = currencies.currency_id
    left join deleted_deals
        on
            deals.portal_id = deleted_deals.portal_id
            and deals.deal_id = deleted_deals.record_id
    -- a deal deleted on the portal no longer counts there, so not here either
    where stages.stage_semantics = 'success' and deleted_deals.record_id is null

),

by_month_and_manager as (

    select
        won_deals.portal_id,
        won_deals.won_month,
        won_deals.assigned_user_id as manager_id,
        coalesce(users.user_name, 'Пользователь ' || won_deals.assigned_user_id)
            as manager_name,
        coalesce(users.is_active, false) as is_manager_active,
        count(*) as won_deals,
        cast(sum(won_deals.amount_base) as decimal(18, 2)) as won_revenue
    from won_deals
    left join users
        on
            won_deals.portal_id = users.portal_id
            and won_deals.assigned_user_id = users.user_id
    group by all

)

select * from by_month_and_manager
