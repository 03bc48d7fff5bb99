"""What the extractor loads and where: one place for names the other layers depend on."""

PIPELINE_NAME = "bitrix24"
DATASET_NAME = "raw"  # the DuckDB schema dbt reads as source('bitrix24', ...)

# raw table → (REST method, how to read it, primary key besides portal_id)
RESOURCES = {
    "deals": ("crm.deal.list", "keyset", "ID"),
    "statuses": ("crm.status.list", "keyset", "ID"),
    "users": ("user.get", "pages", "ID"),
    "currencies": ("crm.currency.list", "pages", "CURRENCY"),
}
# Fields to ask for beyond each method's default; `UF_*` brings the custom fields as columns.
SELECT = {"crm.deal.list": ["*", "UF_*"]}

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
DECLARED_COLUMNS = {"deals": DEAL_FIELDS, "statuses": STATUS_FIELDS}
