select * from marts.mart_data_trust
