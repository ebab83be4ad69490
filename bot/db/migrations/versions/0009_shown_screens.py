"""shown screens: per chat and session, the message id of the message showing the current screen

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shown_screens',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('screen_key', sa.String(length=160), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('shown_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['interview_sessions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('chat_id', 'session_id')
    )
    op.create_index('ix_shown_screens_session_id', 'shown_screens', ['session_id'])


def downgrade() -> None:
    op.drop_index('ix_shown_screens_session_id', table_name='shown_screens')
    op.drop_table('shown_screens')
