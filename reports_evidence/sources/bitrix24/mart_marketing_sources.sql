select * from marts.mart_marketing_sources
