{#- The warehouse agrees with the CRM: any row here names what differs (and the deal id). -#}
select
    portal_id,
    check_kind,
    subject,
    deal_id,
    difference,
    crm_value,
    warehouse_value
from {{ ref('mart_reconciliation') }}
