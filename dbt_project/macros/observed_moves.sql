{#-
    Staging for who moved a deal or a lead: each (record, MOVED_TIME, MOVED_BY_ID) the extractor
    saw. The portal keeps only the last mover, so a move is attributed when a run saw the record
    before the next move. `entity` is `deal` or `lead` (raw.<entity>_moves_observed).
-#}
{% macro observed_moves(entity) -%}
with

source as (

    select * from {{ source('bitrix24', entity ~ '_moves_observed') }}

),

renamed as (

    select
        -- ids
        portal_id,
        cast(id as bigint) as {{ entity }}_id,
        stage_id,
        {{ to_id('moved_by_id') }} as moved_by_user_id,

        -- timestamps (UTC)
        {{ to_utc('moved_time') }} as moved_at,
        {{ to_utc('observed_at') }} as observed_at

    from source

)

select * from renamed
{%- endmacro %}
