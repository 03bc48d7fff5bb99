select * from marts.fct_manager_daily
