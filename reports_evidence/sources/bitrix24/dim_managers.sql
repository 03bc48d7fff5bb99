select * from marts.dim_managers
