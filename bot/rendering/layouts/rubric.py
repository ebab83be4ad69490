"""The Heilongjiang application: 企业基本情况表 and the self-scoring table (PDF, and Word to stamp)."""

from bot.rendering.layouts.base import DOCX, PDF, SELF, Layout

LAYOUT = Layout(
    name="rubric",
    stems={"zh": "示范标杆自评得分表", "en": "benchmark-self-scoring"},
    formats=(PDF, DOCX),
    template="rubric.html.j2",
    # the indicators and bonus items come from the form's rubric; these are read by id
    reads={SELF: (
        "applicant", "recommender", "fill_date", "address", "postal_code", "legal_rep", "legal_rep_phone",
        "legal_rep_mobile", "contact_name", "contact_phone", "contact_mobile", "fax", "email", "registered_on",
        "registered_capital", "enterprise_size", "enterprise_type", "industry", "niche", "bank_credit_rating",
        "assets_2023", "liabilities_2023", "revenue_2023", "revenue_2022", "profit_2023", "profit_2022",
    )},
    view="rubric",
)
