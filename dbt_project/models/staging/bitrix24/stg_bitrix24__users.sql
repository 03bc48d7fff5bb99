with

source as (

    select * from {{ source('bitrix24', 'users') }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as bigint) as user_id,
        -- a user can sit in several departments; the first is the one reports group by
        cast({{ json_array_first('uf_department') }} as bigint) as department_id,

        -- strings
        trim(coalesce(name, '') || ' ' || coalesce(last_name, '')) as user_name,
        work_position,

        -- booleans
        coalesce(active, false) as is_active,

        -- timestamps (UTC)
        {{ to_utc('date_register') }} as registered_at

    from source

)

select * from renamed
