"""a resume code moves a session once

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('resume_codes') as batch:
        batch.add_column(sa.Column('used_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('used_by', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('resume_codes') as batch:
        batch.drop_column('used_by')
        batch.drop_column('used_at')
