{#- One row per deal ever loaded, deleted ones flagged; custom fields keep their codes. -#}
{%- set raw_deals = source('bitrix24', 'deals') -%}
{%- set custom_fields = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(raw_deals) -%}
        {%- if column.name.lower().startswith('uf_crm_') -%}
            {%- do custom_fields.append(column.name.lower()) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}

with

source as (

    select * from {{ raw_deals }}

),

deleted as (

    select * from {{ ref('stg_bitrix24__deletions') }}
    where entity = 'deals'

),

renamed as (

    select
        -- ids
        source.portal_id,
        cast(source.id as bigint) as deal_id,
        {{ to_number('source.category_id', 'integer') }} as funnel_id,
        source.stage_id,
        {{ to_id('source.assigned_by_id') }} as assigned_user_id,
        {{ to_id('source.created_by_id') }} as created_by_user_id,
        {{ to_id('source.modify_by_id') }} as modified_by_user_id,
        {{ to_id('source.moved_by_id') }} as moved_by_user_id,
        {{ to_id('source.lead_id') }} as lead_id,
        {{ to_id('source.company_id') }} as company_id,
        {{ to_id('source.contact_id') }} as contact_id,

        -- strings
        source.title,
        source.type_id as deal_type_id,
        source.stage_semantic_id,
        source.currency_id,
        nullif(source.source_id, '') as source_id,
        nullif(source.source_description, '') as source_description,
        nullif(source.utm_source, '') as utm_source,
        nullif(source.utm_medium, '') as utm_medium,
        nullif(source.utm_campaign, '') as utm_campaign,
        nullif(source.utm_content, '') as utm_content,
        nullif(source.utm_term, '') as utm_term,
        {%- for field in custom_fields %}
            source.{{ field }},
        {%- endfor %}

        -- numerics
        {{ to_number('source.opportunity') }} as amount,
        {{ to_number('source.probability', 'integer') }} as probability,

        -- booleans
        {{ to_flag('source.closed') }} as is_closed,
        {{ to_flag('source.is_return_customer') }} as is_return_customer,
        deleted.record_id is not null as is_deleted,

        -- dates (portal-local calendar days)
        {{ to_local_date('source.begindate') }} as begin_date,
        {{ to_local_date('source.closedate') }} as close_date,

        -- timestamps (UTC)
        {{ to_utc('source.date_create') }} as created_at,
        {{ to_utc('source.date_modify') }} as modified_at,
        {{ to_utc('source.moved_time') }} as moved_at,
        {{ to_utc("nullif(source.last_activity_time, '')") }} as last_activity_at,
        deleted.deleted_noticed_at

    from source
    left join deleted
        on
            source.portal_id = deleted.portal_id
            and cast(source.id as bigint) = deleted.record_id

)

select * from renamed
