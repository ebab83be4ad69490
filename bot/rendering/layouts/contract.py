"""Annex 2, the service contract drafted from a filing's provider (Word and PDF; bot/rendering/contract.py)."""

from bot.rendering.contract import CONTRACT_FORM, FILING_FORM, READS
from bot.rendering.layouts.base import DOCX, PDF, SELF, Layout

LAYOUT = Layout(
    name="contract",
    stems={"zh": "服务合同", "en": "service-contract"},
    formats=(DOCX, PDF),
    template="contract.txt.j2",
    reads={SELF: READS[CONTRACT_FORM], FILING_FORM: READS[FILING_FORM]},
)
