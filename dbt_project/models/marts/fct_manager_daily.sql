{#-
    Per manager per portal-local day: calls, open-line conversations, e-mails, meetings,
    to-dos, and deals created, won and lost. Only days with something to count have a row.
    Every source adds (manager, day, measure, value) events; one pivot sums them, so a new
    measure is one more select, not one more column in every branch.
-#}
with

calls as (

    select * from {{ ref('fct_calls') }}

),

activities as (

    select * from {{ ref('fct_activities') }}
    where not is_deleted

),

deals as (

    select * from {{ ref('fct_deals') }}
    where not is_deleted

),

events as (

    select
        portal_id,
        user_id as manager_id,
        started_date as activity_date,
        case
            when is_missed then 'calls_missed'
            when direction = 'outgoing' then 'calls_outgoing'
            else 'calls_incoming'
        end as measure_name,
        cast(1 as decimal(18, 2)) as measure_value
    from calls

    union all

    select
        portal_id,
        user_id as manager_id,
        started_date as activity_date,
        'talk_seconds' as measure_name,
        talk_seconds as measure_value
    from calls

    union all

    select
        portal_id,
        responsible_user_id as manager_id,
        created_date as activity_date,
        case activity_kind
            when 'open_line' then 'open_line_sessions'
            when 'meeting' then 'meetings'
            when 'todo' then 'todos_created'
            when 'email' then 'emails_sent'
        end as measure_name,
        1 as measure_value
    from activities
    where
        activity_kind in ('open_line', 'meeting', 'todo')
        or (activity_kind = 'email' and direction = 'outgoing')

    union all

    -- to-dos done count on the day they were last updated as completed, overdue ones on
    -- the day they were due
    select
        portal_id,
        responsible_user_id as manager_id,
        case
            when is_completed then {{ to_portal_date('updated_at') }}
            else {{ to_portal_date('deadline_at') }}
        end as activity_date,
        case when is_completed then 'todos_done' else 'todos_overdue' end as measure_name,
        1 as measure_value
    from activities
    where activity_kind = 'todo' and (is_completed or is_overdue)

    union all

    select
        portal_id,
        manager_id,
        created_date as activity_date,
        'deals_created' as measure_name,
        1 as measure_value
    from deals

    union all

    select
        portal_id,
        manager_id,
        closed_date as activity_date,
        'deals_' || outcome as measure_name,
        1 as measure_value
    from deals
    where outcome != 'open'

    union all

    select
        portal_id,
        manager_id,
        closed_date as activity_date,
        outcome || '_amount' as measure_name,
        amount_base as measure_value
    from deals
    where outcome != 'open'

),

daily as (

    select
        portal_id,
        manager_id,
        activity_date,
        {%- for measure in [
            'calls_outgoing', 'calls_incoming', 'calls_missed', 'talk_seconds',
            'open_line_sessions', 'emails_sent', 'meetings',
            'todos_created', 'todos_done', 'todos_overdue',
            'deals_created', 'deals_won', 'deals_lost',
        ] %}
            cast(
                sum(case when measure_name = '{{ measure }}' then measure_value else 0 end)
                as bigint
            ) as {{ measure }},
        {%- endfor %}
        cast(
            sum(case when measure_name = 'won_amount' then measure_value else 0 end)
            as decimal(18, 2)
        ) as won_amount,
        cast(
            sum(case when measure_name = 'lost_amount' then measure_value else 0 end)
            as decimal(18, 2)
        ) as lost_amount
    from events
    where manager_id is not null and activity_date is not null
    group by portal_id, manager_id, activity_date

)

select * from daily
