"""code guesses shared by every worker

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('code_guesses',
    sa.Column('who', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('who')
    )


def downgrade() -> None:
    op.drop_table('code_guesses')
