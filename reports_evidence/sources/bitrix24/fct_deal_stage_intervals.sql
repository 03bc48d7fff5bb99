select * from marts.fct_deal_stage_intervals
