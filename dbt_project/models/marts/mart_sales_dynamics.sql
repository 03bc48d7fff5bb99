{#-
    Sales dynamics per portal-local day, legal entity, funnel and manager, in both readings (metrics.md):
    - basis 'period': won and lost deals on the day they closed (the move into a final stage);
    - basis 'cohort': deals on the day they were created, with how they stand now.
    Reports pick one basis and sum days into weeks or months. Deleted deals are left out.
-#}
with

deals as (

    select * from {{ ref('fct_deals') }}
    where not is_deleted

),

managers as (

    select * from {{ ref('dim_managers') }}

),

dated as (

    select
        portal_id,
        'period' as basis,
        closed_date as date_day,
        legal_entity_name,
        funnel_id,
        funnel_name,
        manager_id,
        outcome,
        amount_base
    from deals
    where outcome != 'open'

    union all

    select
        portal_id,
        'cohort' as basis,
        created_date as date_day,
        legal_entity_name,
        funnel_id,
        funnel_name,
        manager_id,
        outcome,
        amount_base
    from deals

),

daily as (

    select
        dated.portal_id,
        dated.basis,
        dated.date_day,
        dated.legal_entity_name,
        dated.funnel_id,
        dated.funnel_name,
        dated.manager_id,
        coalesce(managers.manager_name, 'Пользователь ' || dated.manager_id) as manager_name,
        coalesce(managers.is_active, false) as is_manager_active,
        count(*) as deals,
        count(case when dated.outcome = 'won' then 1 end) as won_deals,
        count(case when dated.outcome = 'lost' then 1 end) as lost_deals,
        count(case when dated.outcome = 'open' then 1 end) as open_deals,
        cast(
            coalesce(sum(case when dated.outcome = 'won' then dated.amount_base end), 0)
            as decimal(18, 2)
        ) as won_revenue,
        cast(
            coalesce(sum(case when dated.outcome = 'lost' then dated.amount_base end), 0)
            as decimal(18, 2)
        ) as lost_amount,
        cast(
            coalesce(sum(case when dated.outcome = 'open' then dated.amount_base end), 0)
            as decimal(18, 2)
        ) as open_amount
    from dated
    left join managers
        on
            dated.portal_id = managers.portal_id
            and dated.manager_id = managers.manager_id
    group by
        dated.portal_id,
        dated.basis,
        dated.date_day,
        dated.legal_entity_name,
        dated.funnel_id,
        dated.funnel_name,
        dated.manager_id,
        coalesce(managers.manager_name, 'Пользователь ' || dated.manager_id),
        coalesce(managers.is_active, false)

)

select * from daily
