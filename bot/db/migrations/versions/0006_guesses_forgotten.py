"""code guesses are forgotten a day after the last one

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('code_guesses') as batch:
        batch.add_column(sa.Column('last_at', sa.Float(), nullable=False, server_default='0'))
        batch.create_index('ix_code_guesses_last_at', ['last_at'])


def downgrade() -> None:
    with op.batch_alter_table('code_guesses') as batch:
        batch.drop_index('ix_code_guesses_last_at')
        batch.drop_column('last_at')
