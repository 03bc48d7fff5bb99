{#- Every activity (call, e-mail, meeting, to-do, open-line session), overdue ones flagged. -#}
with

activities as (

    select * from {{ ref('stg_bitrix24__activities') }}

),

clock as (

    select * from {{ ref('int_portal_clock') }}

),

flagged as (

    select
        activities.portal_id,
        activities.activity_id,
        activities.activity_kind,
        activities.provider_id,
        activities.direction,
        activities.owner_type,
        activities.owner_id,
        activities.responsible_user_id,
        activities.author_user_id,
        activities.subject,
        activities.is_completed,
        not activities.is_completed
        and activities.deadline_at < clock.as_of_at as is_overdue,
        activities.created_at,
        {{ to_portal_date('activities.created_at') }} as created_date,
        activities.deadline_at,
        activities.updated_at,
        activities.is_deleted
    from activities
    inner join clock on activities.portal_id = clock.portal_id

)

select * from flagged
