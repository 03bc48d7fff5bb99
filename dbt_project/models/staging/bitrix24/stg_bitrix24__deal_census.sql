{#- Each deal as the latest census listed it; deals not listed since are gone from the CRM. -#}
with

source as (

    {{ optional_source('deal_census', {
        'portal_id': 'varchar', 'id': 'varchar', 'stage_semantic_id': 'varchar',
        'opportunity': 'varchar', 'currency_id': 'varchar', 'counted_at': 'varchar'
    }) }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as bigint) as deal_id,

        -- strings
        stage_semantic_id,
        currency_id,

        -- numerics
        {{ to_number('opportunity') }} as amount,

        -- timestamps (UTC)
        {{ to_utc('counted_at') }} as counted_at

    from source

),

latest as (

    select
        *,
        counted_at = max(counted_at) over (partition by portal_id) as is_in_latest_census
    from renamed

)

select * from latest
