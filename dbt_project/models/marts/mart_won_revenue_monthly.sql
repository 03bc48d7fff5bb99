{#-
    Won revenue (period) by portal-local month and responsible manager (metrics.md): a deal
    counts in the month of its move into a success stage, taken from stage history (the
    editable close date is not used). Deals deleted on the portal are left out, as the CRM's
    own totals leave them out.
-#}
with

deals as (

    select * from {{ ref('fct_deals') }}

),

managers as (

    select * from {{ ref('dim_managers') }}

),

won_deals as (

    select
        portal_id,
        deal_id,
        manager_id,
        cast(date_trunc('month', closed_date) as date) as won_month,
        amount_base
    from deals
    where outcome = 'won' and not is_deleted

),

by_month_and_manager as (

    select
        won_deals.portal_id,
        won_deals.won_month,
        won_deals.manager_id,
        coalesce(managers.manager_name, 'Пользователь ' || won_deals.manager_id)
            as manager_name,
        coalesce(managers.is_active, false) as is_manager_active,
        count(*) as won_deals,
        cast(sum(won_deals.amount_base) as decimal(18, 2)) as won_revenue
    from won_deals
    left join managers
        on
            won_deals.portal_id = managers.portal_id
            and won_deals.manager_id = managers.manager_id
    group by all

)

select * from by_month_and_manager
