{#- Every status a lead entered (no actor), from the portal's stage history. -#}
with

source as (

    select * from {{ source('bitrix24', 'lead_status_history') }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as bigint) as status_history_id,
        cast(owner_id as bigint) as lead_id,
        status_id,

        -- strings
        status_semantic_id,

        -- timestamps (UTC)
        {{ to_utc('created_time') }} as entered_at

    from source

)

select * from renamed
