{#- Who moved a lead, as each run observed it (macros/observed_moves.sql). -#}
{{ observed_moves('lead') }}
