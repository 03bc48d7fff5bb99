{#-
    The warehouse beside the CRM (metrics.md, reconciliation), as of the latest census run
    (int_latest_census): records created or changed after it began were read by later loads
    and are not what the census saw, so they are left out. Two kinds of check:
    - each deal as the latest census listed it (stage semantic, amount, currency) against the
      warehouse's live deal; one row per deal that differs, named by its id;
    - each list's total as the portal counted it on the latest census run against the live
      rows the warehouse holds.
    An empty `differences` everywhere is the only passing state; the dbt test
    `assert_reconciliation_has_no_differences` fails the build otherwise.
-#}
with

deals as (

    select * from {{ ref('stg_bitrix24__deals') }}
    where not is_deleted

),

census as (

    select * from {{ ref('stg_bitrix24__deal_census') }}
    where is_in_latest_census

),

-- a portal never counted has nothing to be compared with yet
latest_census as (

    select * from {{ ref('int_latest_census') }}

),

audit as (

    select * from {{ ref('stg_bitrix24__extraction_audit') }}
    where api_total is not null

),

deal_differences as (

    select
        coalesce(census.portal_id, deals.portal_id) as portal_id,
        'deal' as check_kind,
        'deals:' || coalesce(census.stage_semantic_id, deals.stage_semantic_id) as subject,
        coalesce(census.deal_id, deals.deal_id) as deal_id,
        case
            when deals.deal_id is null then 'in the CRM, missing here'
            when census.deal_id is null then 'here, gone from the CRM'
            when census.stage_semantic_id != deals.stage_semantic_id then 'stage semantic differs'
            when census.currency_id != deals.currency_id then 'currency differs'
            else 'amount differs'
        end as difference,
        census.amount as crm_value,
        deals.amount as warehouse_value
    from census
    full outer join deals
        on
            census.portal_id = deals.portal_id
            and census.deal_id = deals.deal_id
    inner join latest_census
        on coalesce(census.portal_id, deals.portal_id) = latest_census.portal_id
    where
        -- created or changed since the census: a later load read it, the census did not
        coalesce(deals.modified_at <= latest_census.census_at, true)
        and (
            census.deal_id is null
            or deals.deal_id is null
            or census.stage_semantic_id != deals.stage_semantic_id
            or census.currency_id != deals.currency_id
            or census.amount != deals.amount
        )

),

live_rows as (

    select * from {{ ref('int_live_row_counts') }}

),

total_differences as (

    select
        audit.portal_id,
        'total' as check_kind,
        audit.entity as subject,
        cast(null as bigint) as deal_id,
        'list total differs' as difference,
        cast(audit.api_total as decimal(18, 2)) as crm_value,
        cast(live_rows.live_rows_at_census as decimal(18, 2)) as warehouse_value
    from audit
    inner join latest_census
        on
            audit.portal_id = latest_census.portal_id
            and audit.load_id = latest_census.census_load_id
    inner join live_rows
        on
            audit.portal_id = live_rows.portal_id
            and audit.entity = live_rows.entity
    -- null: a list with no creation time, loaded again since the census (not comparable)
    where audit.api_total != live_rows.live_rows_at_census

),

differences as (

    select * from deal_differences
    union all
    select * from total_differences

)

select * from differences
