"""Hangzhou annex 5, the district's summary table of submitted filings (one workbook for many sessions)."""

from bot.rendering.layouts.base import SELF, XLSX, Layout

LAYOUT = Layout(
    name="annex5",
    stems={"zh": "备案汇总表", "en": "filing-summary"},
    formats=(XLSX,),
    per_session=False,
    reads={SELF: (
        "industry", "district", "company_name", "credit_code", "contact_name", "contact_phone", "main_products",
        "revenue_2023", "enterprise_category", "designated_size", "little_giant_funded", "pilot_2022",
        "self_test_level", "target_level", "digital_investment", "project_name", "project_start", "project_end",
        "scenarios", "cloud_plan", "expected_investment",
        "providers.name", "providers.credit_code", "providers.contact", "providers.phone",
        "providers.contract_name", "providers.contract_date", "providers.duties",
    )},
)
