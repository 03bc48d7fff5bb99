select * from marts.mart_sales_dynamics
