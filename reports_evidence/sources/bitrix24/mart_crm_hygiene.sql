select * from marts.mart_crm_hygiene
