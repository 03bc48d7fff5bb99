select * from marts.dim_funnel_stages
