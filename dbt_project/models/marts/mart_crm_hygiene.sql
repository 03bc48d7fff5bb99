{#-
    CRM hygiene: one row per thing someone should fix, so each list can be handed to the
    manager responsible (metrics.md: forgotten deal, unprocessed lead / deal, overdue
    activity, kept apart from deals past their close date). Deleted records are left out.
    `age_days` says how bad it is: days untouched, since created, overdue, or past the date.
-#}
with

deals as (

    select * from {{ ref('fct_deals') }}
    where not is_deleted and outcome = 'open'

),

leads as (

    select * from {{ ref('fct_leads') }}
    where not is_deleted and is_unprocessed

),

activities as (

    select * from {{ ref('fct_activities') }}
    where not is_deleted and is_overdue

),

managers as (

    select * from {{ ref('dim_managers') }}

),

clock as (

    select * from {{ ref('int_portal_clock') }}

),

deal_problem_kinds as (

    select 'forgotten_deal' as problem
    union all
    select 'unprocessed_deal' as problem
    union all
    select 'past_close_date' as problem

),

deal_problems as (

    select
        deals.portal_id,
        problems.problem,
        'deal' as record_type,
        deals.deal_id as record_id,
        deals.title,
        deals.manager_id,
        deals.amount_base,
        case problems.problem
            when 'forgotten_deal' then deals.days_since_touch
            when 'unprocessed_deal'
                then {{ datediff_seconds('deals.created_at', 'clock.as_of_at') }} / 86400.0
            else
                {{ days_between('deals.planned_close_date', to_portal_date('clock.as_of_at')) }}
        end as age_days,
        deals.deal_url as record_url
    from deals
    inner join clock on deals.portal_id = clock.portal_id
    inner join deal_problem_kinds as problems
        on
            (problems.problem = 'forgotten_deal' and deals.is_forgotten)
            or (problems.problem = 'unprocessed_deal' and deals.is_unprocessed)
            or (problems.problem = 'past_close_date' and deals.is_past_close_date)

),

lead_problems as (

    select
        leads.portal_id,
        'unprocessed_lead' as problem,
        'lead' as record_type,
        leads.lead_id as record_id,
        leads.title,
        leads.manager_id,
        cast(null as decimal(18, 2)) as amount_base,
        {{ datediff_seconds('leads.created_at', 'clock.as_of_at') }} / 86400.0 as age_days,
        replace('{{ var("portal_url_template") }}', '{portal_id}', leads.portal_id)
        || '/crm/lead/details/' || leads.lead_id || '/' as record_url
    from leads
    inner join clock on leads.portal_id = clock.portal_id

),

activity_problems as (

    select
        activities.portal_id,
        'overdue_activity' as problem,
        'activity' as record_type,
        activities.activity_id as record_id,
        activities.subject as title,
        activities.responsible_user_id as manager_id,
        cast(null as decimal(18, 2)) as amount_base,
        {{ datediff_seconds('activities.deadline_at', 'clock.as_of_at') }} / 86400.0 as age_days,
        -- the card the activity sits on: that is where it gets done
        replace('{{ var("portal_url_template") }}', '{portal_id}', activities.portal_id)
        || '/crm/' || activities.owner_type || '/details/' || activities.owner_id || '/'
            as record_url
    from activities
    inner join clock on activities.portal_id = clock.portal_id

),

problems as (

    select * from deal_problems
    union all
    select * from lead_problems
    union all
    select * from activity_problems

),

named as (

    select
        problems.portal_id,
        problems.problem,
        case problems.problem
            when 'forgotten_deal' then 'Забытая сделка'
            when 'unprocessed_deal' then 'Необработанная сделка'
            when 'past_close_date' then 'Просрочена дата закрытия'
            when 'unprocessed_lead' then 'Необработанный лид'
            when 'overdue_activity' then 'Просроченное дело'
        end as problem_label,
        problems.record_type,
        problems.record_id,
        problems.title,
        problems.manager_id,
        coalesce(managers.manager_name, 'Пользователь ' || problems.manager_id)
            as manager_name,
        coalesce(managers.is_active, false) as is_manager_active,
        cast(problems.amount_base as decimal(18, 2)) as amount_base,
        cast(problems.age_days as decimal(12, 1)) as age_days,
        problems.record_url
    from problems
    left join managers
        on
            problems.portal_id = managers.portal_id
            and problems.manager_id = managers.manager_id

)

select * from named
