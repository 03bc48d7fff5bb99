{#-
    Marketing traced to money (metrics.md: lead → deal conversion, revenue per lead), by lead
    source, UTM tags and cohort month. Cohort: a lead counts in the month it was created, and
    so do the deals made from it and the revenue they won, whenever they closed.
    Deals with no lead the warehouse knows (made by hand from a contact, or their lead was
    deleted before the first load) count under their own source, «Источник неизвестен» when
    they name none, in the month they were created: never dropped, so won revenue here adds
    up to all won revenue.
-#}
with

leads as (

    select * from {{ ref('fct_leads') }}

),

deals as (

    select * from {{ ref('fct_deals') }}
    where not is_deleted

),

sources as (

    select * from {{ ref('dim_sources') }}

),

lead_rows as (

    select
        portal_id,
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as cohort_month,
        source_id,
        utm_source,
        utm_medium,
        utm_campaign,
        1 as leads,
        case when is_converted then 1 else 0 end as converted_leads,
        case when first_response_at is not null then 1 else 0 end as responded_leads,
        0 as deals,
        0 as won_deals,
        cast(0 as decimal(18, 2)) as won_revenue,
        0 as deals_without_lead
    from leads
    where not is_deleted

),

deal_rows as (

    select
        deals.portal_id,
        cast(
            {{ dbt.date_trunc('month', 'coalesce(leads.created_date, deals.created_date)') }}
            as date
        ) as cohort_month,
        case
            when leads.lead_id is not null then leads.source_id
            else coalesce(deals.source_id, 'UNKNOWN')
        end as source_id,
        case when leads.lead_id is not null then leads.utm_source else deals.utm_source end
            as utm_source,
        case when leads.lead_id is not null then leads.utm_medium else deals.utm_medium end
            as utm_medium,
        case
            when leads.lead_id is not null then leads.utm_campaign else deals.utm_campaign
        end as utm_campaign,
        0 as leads,
        0 as converted_leads,
        0 as responded_leads,
        1 as deals,
        case when deals.outcome = 'won' then 1 else 0 end as won_deals,
        case when deals.outcome = 'won' then deals.amount_base else 0 end as won_revenue,
        case when leads.lead_id is null then 1 else 0 end as deals_without_lead
    from deals
    left join leads
        on
            deals.portal_id = leads.portal_id
            and deals.lead_id = leads.lead_id

),

cohort_rows as (

    select * from lead_rows
    union all
    select * from deal_rows

),

cohorts as (

    select
        cohort_rows.portal_id,
        cohort_rows.cohort_month,
        cohort_rows.source_id,
        coalesce(sources.source_name, cohort_rows.source_id) as source_name,
        cohort_rows.utm_source,
        cohort_rows.utm_medium,
        cohort_rows.utm_campaign,
        cast(sum(cohort_rows.leads) as bigint) as leads,
        cast(sum(cohort_rows.converted_leads) as bigint) as converted_leads,
        cast(sum(cohort_rows.responded_leads) as bigint) as responded_leads,
        cast(sum(cohort_rows.deals) as bigint) as deals,
        cast(sum(cohort_rows.won_deals) as bigint) as won_deals,
        cast(sum(cohort_rows.won_revenue) as decimal(18, 2)) as won_revenue,
        cast(sum(cohort_rows.deals_without_lead) as bigint) as deals_without_lead
    from cohort_rows
    left join sources
        on
            cohort_rows.portal_id = sources.portal_id
            and cohort_rows.source_id = sources.source_id
    group by
        cohort_rows.portal_id,
        cohort_rows.cohort_month,
        cohort_rows.source_id,
        coalesce(sources.source_name, cohort_rows.source_id),
        cohort_rows.utm_source,
        cohort_rows.utm_medium,
        cohort_rows.utm_campaign

)

select * from cohorts
