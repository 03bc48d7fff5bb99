"""What the extractor loads and where: one place for names the other layers depend on."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

PIPELINE_NAME = "bitrix24"
DATASET_NAME = "raw"  # the DuckDB schema dbt reads as source('bitrix24', ...)


@dataclass(frozen=True)
class Entity:
    """One portal entity, the raw table it lands in, and how to read it."""

    method: str
    reading: str = "keyset"  # keyset: batches of >ID pages; pages: start/next, for small lists
    key: str = "ID"
    params: dict[str, Any] = field(default_factory=dict)
    wrapper: str | None = None  # the key the rows sit under (crm.stagehistory.list: items)
    history: bool = False  # append-only on the portal: read only ids after the last one seen
    sort_strings: bool = False  # takes SORT/ORDER strings and FILTER (voximplant), not order{}
    modified: str | None = None  # the field to read only changed records by, after a first run
    # Stage history has no actor: keep every (MOVED_BY_ID, MOVED_TIME) seen, in this table.
    moves_table: str | None = None


# Records changed this long before the previous run began are read again: clock skew and
# second-precision timestamps must not lose a change.
MODIFIED_OVERLAP = timedelta(minutes=10)

# `UF_*` brings custom fields as columns; PHONE/EMAIL only come when named.
WITH_CUSTOM_FIELDS = {"select": ["*", "UF_*"]}
WITH_CONTACT_FIELDS = {"select": ["*", "UF_*", "PHONE", "EMAIL"]}

ENTITIES: dict[str, Entity] = {
    "deals": Entity(
        "crm.deal.list",
        params=WITH_CUSTOM_FIELDS,
        modified="DATE_MODIFY",
        moves_table="deal_moves_observed",
    ),
    # A deal's legal entity («моя компания») is only in the universal crm.item.list, as
    # mycompanyId; the legacy crm.deal.list never got it.
    "deal_legal_entities": Entity(
        "crm.item.list",
        key="id",
        params={"entityTypeId": 2, "select": ["id", "mycompanyId", "updatedTime"]},
        wrapper="items",
        modified="updatedTime",
    ),
    "leads": Entity(
        "crm.lead.list",
        params=WITH_CONTACT_FIELDS,
        modified="DATE_MODIFY",
        moves_table="lead_moves_observed",
    ),
    "contacts": Entity("crm.contact.list", params=WITH_CONTACT_FIELDS, modified="DATE_MODIFY"),
    "companies": Entity("crm.company.list", params=WITH_CONTACT_FIELDS, modified="DATE_MODIFY"),
    "activities": Entity("crm.activity.list", modified="LAST_UPDATED"),
    "deal_stage_history": Entity(
        "crm.stagehistory.list", params={"entityTypeId": 2}, wrapper="items", history=True
    ),
    "lead_status_history": Entity(
        "crm.stagehistory.list", params={"entityTypeId": 1}, wrapper="items", history=True
    ),
    # a call's statistics do not change once written: read only new ids
    "calls": Entity("voximplant.statistic.get", sort_strings=True, history=True),
    "statuses": Entity("crm.status.list"),
    "deal_categories": Entity(
        "crm.category.list",
        reading="pages",
        key="id",
        params={"entityTypeId": 2},
        wrapper="categories",
    ),
    "users": Entity("user.get", reading="pages"),
    "departments": Entity("department.get", reading="pages"),
    "currencies": Entity("crm.currency.list", reading="pages", key="CURRENCY"),
    "deal_user_fields": Entity("crm.deal.userfield.list", reading="pages"),
    "lead_user_fields": Entity("crm.lead.userfield.list", reading="pages"),
}

# Entities a portal user can delete; a delete scan looks for them by id.
DELETABLE = ("deals", "leads", "contacts", "companies", "activities")

# A census counts every list as the portal does (`total`, one batch): the same method and
# filters the load reads with, fetching only the key. crm.currency.list always says 0.
COUNTED = {
    table: (
        entity.method,
        {k: v for k, v in entity.params.items() if k != "select"}
        | ({} if entity.sort_strings or entity.reading == "pages" else {"select": [entity.key]}),
    )
    for table, entity in ENTITIES.items()
    if table != "currencies"
}
CENSUS_FIELDS = ["STAGE_SEMANTIC_ID", "OPPORTUNITY", "CURRENCY_ID"]

AUDIT_COLUMNS = {
    "run_began": {"data_type": "text", "description": "portal time the run began"},
    "read": {"data_type": "text", "description": "all, or the incremental window read"},
    "api_total": {"data_type": "bigint", "description": "the portal's count (census runs)"},
    "rows_received": {"data_type": "bigint"},
    "requests": {"data_type": "bigint", "description": "HTTP calls, batches count once"},
    "retries": {"data_type": "bigint", "description": "attempts retried under those calls"},
    "seconds": {"data_type": "double"},
}
CENSUS_COLUMNS = {
    name: {"data_type": "text"}
    for name in ("STAGE_SEMANTIC_ID", "OPPORTUNITY", "CURRENCY_ID", "counted_at")
}

# Documented fields (crm.deal.fields) declared up front, so a column exists even while every
# row has it empty and dbt can rely on it. Values stay text in raw, as the portal sends them.
DEAL_FIELDS = [
    "ID",
    "TITLE",
    "TYPE_ID",
    "CATEGORY_ID",
    "STAGE_ID",
    "STAGE_SEMANTIC_ID",
    "IS_NEW",
    "IS_RECURRING",
    "IS_RETURN_CUSTOMER",
    "IS_REPEATED_APPROACH",
    "PROBABILITY",
    "CURRENCY_ID",
    "OPPORTUNITY",
    "IS_MANUAL_OPPORTUNITY",
    "TAX_VALUE",
    "COMPANY_ID",
    "CONTACT_ID",
    "QUOTE_ID",
    "LEAD_ID",
    "BEGINDATE",
    "CLOSEDATE",
    "OPENED",
    "CLOSED",
    "COMMENTS",
    "ASSIGNED_BY_ID",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "MOVED_BY_ID",
    "DATE_CREATE",
    "DATE_MODIFY",
    "MOVED_TIME",
    "SOURCE_ID",
    "SOURCE_DESCRIPTION",
    "ADDITIONAL_INFO",
    "LOCATION_ID",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "UTM_SOURCE",
    "UTM_MEDIUM",
    "UTM_CAMPAIGN",
    "UTM_CONTENT",
    "UTM_TERM",
    "LAST_ACTIVITY_TIME",
    "LAST_ACTIVITY_BY",
]
STATUS_FIELDS = [
    "ID",
    "ENTITY_ID",
    "STATUS_ID",
    "NAME",
    "NAME_INIT",
    "SORT",
    "SYSTEM",
    "CATEGORY_ID",
    "COLOR",
    "SEMANTICS",
]
DECLARED_COLUMNS = {
    "deals": DEAL_FIELDS,
    "statuses": STATUS_FIELDS,
    "deal_legal_entities": ["id", "mycompanyId", "updatedTime"],
}
