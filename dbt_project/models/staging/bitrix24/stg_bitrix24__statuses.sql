{#- Every reference list of the portal: stages, lead statuses, sources, deal types. -#}
with

source as (

    select * from {{ source('bitrix24', 'statuses') }}

),

renamed as (

    select
        -- ids
        portal_id,
        entity_id as list_id,
        status_id,
        {{ to_number('category_id', 'integer') }} as funnel_id,

        -- strings
        name as status_name,
        case semantics
            when 'S' then 'success'
            when 'F' then 'failure'
            else 'process'
        end as status_semantics,

        -- numerics
        {{ to_number('sort', 'integer') }} as sort_order

    from source

)

select * from renamed
