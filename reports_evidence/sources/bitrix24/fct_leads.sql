select * from marts.fct_leads
