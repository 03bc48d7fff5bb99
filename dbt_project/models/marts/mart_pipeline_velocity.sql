{#-
    Pipeline velocity per funnel (metrics.md): open qualified deals × average won amount ×
    win rate ÷ median sales cycle days, in base currency per day. The won amount, win rate
    and cycle come from one window, the deals closed in the 365 days up to the portal clock;
    "qualified" means past the funnel's first stage.
-#}
with

deals as (

    select * from {{ ref('fct_deals') }}
    where not is_deleted

),

clock as (

    select * from {{ ref('int_portal_clock') }}

),

windowed as (

    select
        deals.portal_id,
        deals.funnel_id,
        deals.funnel_name,
        count(case when deals.outcome = 'won' then 1 end) as won_deals,
        count(case when deals.outcome = 'lost' then 1 end) as lost_deals,
        avg(case when deals.outcome = 'won' then deals.amount_base end) as average_won_amount,
        median(case when deals.outcome = 'won' then deals.cycle_days end) as median_cycle_days
    from deals
    inner join clock on deals.portal_id = clock.portal_id
    where
        deals.outcome != 'open'
        and deals.closed_at > {{ dbt.dateadd('day', -365, 'clock.as_of_at') }}
        and deals.closed_at <= clock.as_of_at
    group by deals.portal_id, deals.funnel_id, deals.funnel_name

),

open_qualified as (

    select
        portal_id,
        funnel_id,
        count(*) as open_qualified_deals
    from deals
    where outcome = 'open' and stage_order > 1
    group by portal_id, funnel_id

),

velocity as (

    select
        windowed.portal_id,
        windowed.funnel_id,
        windowed.funnel_name,
        coalesce(open_qualified.open_qualified_deals, 0) as open_qualified_deals,
        windowed.won_deals,
        windowed.lost_deals,
        cast(windowed.average_won_amount as decimal(18, 2)) as average_won_amount,
        cast(
            windowed.won_deals * 1.0 / nullif(windowed.won_deals + windowed.lost_deals, 0)
            as decimal(5, 4)
        ) as win_rate,
        cast(windowed.median_cycle_days as decimal(12, 1)) as median_cycle_days,
        cast(
            coalesce(open_qualified.open_qualified_deals, 0)
            * windowed.average_won_amount
            * windowed.won_deals / nullif(windowed.won_deals + windowed.lost_deals, 0)
            / nullif(windowed.median_cycle_days, 0)
            as decimal(18, 2)
        ) as velocity_per_day
    from windowed
    left join open_qualified
        on
            windowed.portal_id = open_qualified.portal_id
            and windowed.funnel_id = open_qualified.funnel_id

)

select * from velocity
