{#- One line per extraction run and entity: what the API said and what arrived. -#}
with

source as (

    {{ optional_source('extraction_audit', {
        'portal_id': 'varchar', 'entity': 'varchar', 'run_began': 'varchar', 'read': 'varchar',
        'api_total': 'bigint', 'rows_received': 'bigint', 'requests': 'bigint',
        'retries': 'bigint', 'seconds': 'double', '_dlt_load_id': 'varchar'
    }) }}

),

renamed as (

    select
        -- ids
        portal_id,
        _dlt_load_id as load_id,
        entity,

        -- strings
        read as window_read,

        -- numerics
        api_total,
        rows_received,
        requests,
        retries,
        seconds,

        -- timestamps (UTC)
        {{ to_utc('run_began') }} as run_began_at

    from source

)

select * from renamed
