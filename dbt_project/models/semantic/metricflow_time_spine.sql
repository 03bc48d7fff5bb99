{#- One row per day: the calendar MetricFlow joins metrics to (portal-local days). -#}
with

days as (

    {{ dbt.date_spine("day", "cast('2015-01-01' as date)", "cast('2036-01-01' as date)") }}

),

spine as (

    select cast(date_day as date) as date_day
    from days

)

select * from spine
