"""Hangzhou annex 1, the filing application: PDF (with what happens next) and a Word file to stamp and sign."""

from bot.rendering.layouts.base import DOCX, PDF, SELF, Layout

LAYOUT = Layout(
    name="filing",
    stems={"zh": "试点改造项目备案申请表", "en": "pilot-project-filing"},
    formats=(PDF, DOCX),
    template="filing.html.j2",
    reads={SELF: (
        "company_name", "credit_code", "legal_rep", "address", "contact_name", "contact_phone", "district",
        "industry", "employees", "digital_staff", "main_products", "revenue_2023", "enterprise_category",
        "designated_size", "little_giant_funded", "pilot_2022", "self_test_level", "target_level",
        "digital_foundation", "project_name", "project_start", "project_end", "scenarios", "cloud_plan",
        "expected_investment", "digital_investment",
        "providers.name", "providers.credit_code", "providers.legal_rep", "providers.contact", "providers.phone",
        "providers.contract_name", "providers.contract_no", "providers.contract_date", "providers.duties",
        "implementation_plan", "declaration", "signatory", "signed_on",
    )},
)
