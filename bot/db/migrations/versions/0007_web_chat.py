"""the web chat: browsers, pushed events, shared keys, help requests, shared rate counts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('service_keys',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('web_visitors',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_index('ix_web_visitors_external_id', 'web_visitors', ['external_id'])
    op.create_table('push_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_push_audience_id', 'push_events', ['audience', 'id'])
    op.create_index('ix_push_events_at', 'push_events', ['at'])
    op.create_table('rate_counts',
    sa.Column('key', sa.String(length=96), nullable=False),
    sa.Column('window', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window')
    )
    with op.batch_alter_table('interview_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('help_asked_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('interview_sessions', schema=None) as batch_op:
        batch_op.drop_column('help_asked_at')
    op.drop_table('rate_counts')
    op.drop_index('ix_push_events_at', table_name='push_events')
    op.drop_index('ix_push_audience_id', table_name='push_events')
    op.drop_table('push_events')
    op.drop_index('ix_web_visitors_external_id', table_name='web_visitors')
    op.drop_table('web_visitors')
    op.drop_table('service_keys')
