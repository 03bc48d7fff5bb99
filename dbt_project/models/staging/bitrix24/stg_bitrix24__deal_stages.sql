{#- Deal stages of every funnel: DEAL_STAGE (funnel 0) and DEAL_STAGE_<n>. -#}
with

source as (

    select * from {{ source('bitrix24', 'statuses') }}

),

renamed as (

    select
        -- ids
        portal_id,
        status_id as stage_id,
        coalesce(cast(category_id as integer), 0) as funnel_id,

        -- strings
        name as stage_name,
        case semantics
            when 'S' then 'success'
            when 'F' then 'failure'
            else 'process'
        end as stage_semantics,

        -- numerics
        cast(sort as integer) as sort_order

    from source
    where entity_id = 'DEAL_STAGE' or entity_id like 'DEAL_STAGE_%'

)

select * from renamed
