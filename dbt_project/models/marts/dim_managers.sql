{#- Every portal user, dismissed ones included: their history stays in every figure. -#}
with

users as (

    select * from {{ ref('stg_bitrix24__users') }}

),

departments as (

    select * from {{ ref('stg_bitrix24__departments') }}

),

deals as (

    select * from {{ ref('stg_bitrix24__deals') }}

),

assigned as (

    select
        portal_id,
        assigned_user_id as user_id,
        count(*) as deals_assigned,
        count(case when stage_semantic_id = 'P' and not is_deleted then 1 end)
            as open_deals_assigned
    from deals
    group by portal_id, assigned_user_id

),

managers as (

    select
        users.portal_id,
        users.user_id as manager_id,
        users.user_name as manager_name,
        users.work_position,
        users.department_id,
        departments.department_name,
        users.is_active,
        coalesce(assigned.deals_assigned, 0) as deals_assigned,
        coalesce(assigned.open_deals_assigned, 0) as open_deals_assigned,
        coalesce(assigned.deals_assigned, 0) > 0 as works_deals
    from users
    left join departments
        on
            users.portal_id = departments.portal_id
            and users.department_id = departments.department_id
    left join assigned
        on
            users.portal_id = assigned.portal_id
            and users.user_id = assigned.user_id

)

select * from managers
