select * from marts.fct_deals
