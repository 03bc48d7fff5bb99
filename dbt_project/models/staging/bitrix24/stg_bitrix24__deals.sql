with

source as (

    select * from {{ source('bitrix24', 'deals') }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as bigint) as deal_id,
        cast(category_id as integer) as funnel_id,
        stage_id,
        cast(assigned_by_id as bigint) as assigned_user_id,
        cast(created_by_id as bigint) as created_by_user_id,
        cast(moved_by_id as bigint) as moved_by_user_id,
        cast(lead_id as bigint) as lead_id,
        cast(company_id as bigint) as company_id,
        cast(contact_id as bigint) as contact_id,

        -- strings
        title,
        type_id as deal_type_id,
        stage_semantic_id,
        currency_id,
        source_id,
        utm_source,
        utm_medium,
        utm_campaign,

        -- numerics
        cast(opportunity as decimal(18, 2)) as amount,

        -- booleans
        coalesce(closed = 'Y', false) as is_closed,

        -- dates (portal-local calendar days)
        cast(left(begindate, 10) as date) as begin_date,
        cast(left(closedate, 10) as date) as close_date,

        -- timestamps (UTC)
        {{ to_utc('date_create') }} as created_at,
        {{ to_utc('date_modify') }} as modified_at,
        {{ to_utc('moved_time') }} as moved_at,
        {{ to_utc('last_activity_time') }} as last_activity_at

    from source

)

select * from renamed
