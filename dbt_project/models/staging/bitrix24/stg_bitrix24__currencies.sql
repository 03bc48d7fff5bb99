with

source as (

    select * from {{ source('bitrix24', 'currencies') }}

),

renamed as (

    select
        -- ids
        portal_id,
        currency as currency_id,

        -- numerics
        cast(amount as decimal(18, 4)) / cast(amount_cnt as integer) as rate_to_base,

        -- booleans
        coalesce(base = 'Y', false) as is_base

    from source

)

select * from renamed
