select * from marts.mart_funnel_stages
