select * from marts.mart_won_revenue_monthly
