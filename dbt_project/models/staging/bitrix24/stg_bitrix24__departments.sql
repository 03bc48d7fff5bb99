with

source as (

    select * from {{ source('bitrix24', 'departments') }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as bigint) as department_id,
        {{ to_id('parent') }} as parent_department_id,
        {{ to_id('uf_head') }} as head_user_id,

        -- strings
        name as department_name

    from source

)

select * from renamed
