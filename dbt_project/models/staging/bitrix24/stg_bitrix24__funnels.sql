{#- Deal funnels (crm.category.list); funnel 0 is the portal's default one. -#}
with

source as (

    select * from {{ source('bitrix24', 'deal_categories') }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as integer) as funnel_id,

        -- strings
        name as funnel_name,

        -- numerics
        cast(sort as integer) as sort_order,

        -- booleans
        {{ to_flag('is_default') }} as is_default

    from source

)

select * from renamed
