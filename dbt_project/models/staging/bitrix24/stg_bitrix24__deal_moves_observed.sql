{#- Who moved a deal, as each run observed it (macros/observed_moves.sql). -#}
{{ observed_moves('deal') }}
