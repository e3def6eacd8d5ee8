"""Initial schema: organizations, inventory, grants, reservations, audit, outbox.

The unique index over open reservations is partial on both PostgreSQL and
SQLite: at most one open reservation per unit.

Revision ID: 4f0c63e85308
Revises:
Create Date: 2026-12-03 16:31:52.700689

"""

import sqlalchemy as sa
from alembic import op

import partnerhub.models.types

# revision identifiers, used by Alembic.
revision = "4f0c63e85308"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("slug", name=op.f("uq_organization_slug")),
    )
    op.create_table(
        "import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("developer_id", sa.Integer(), nullable=False),
        sa.Column("header_signature", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["developer_id"],
            ["organization.id"],
            name=op.f("fk_import_mapping_developer_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mapping")),
        sa.UniqueConstraint(
            "developer_id",
            "header_signature",
            name=op.f("uq_import_mapping_developer_id_header_signature"),
        ),
    )
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("developer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["developer_id"],
            ["organization.id"],
            name=op.f("fk_project_developer_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint(
            "developer_id", "name", name=op.f("uq_project_developer_id_name")
        ),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_developer_id"), ["developer_id"], unique=False
        )

    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column(
            "last_login_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_user_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("email", name=op.f("uq_user_email")),
        sa.UniqueConstraint("session_token", name=op.f("uq_user_session_token")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "building",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("completion", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_building_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_building")),
        sa.UniqueConstraint(
            "project_id", "name", name=op.f("uq_building_project_id_name")
        ),
    )
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_building_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "floor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_floor_building_id_building")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floor")),
        sa.UniqueConstraint(
            "building_id", "number", name=op.f("uq_floor_building_id_number")
        ),
    )
    with op.batch_alter_table("floor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_floor_building_id"), ["building_id"], unique=False
        )

    op.create_table(
        "grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("developer_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("whole_building", sa.Boolean(), nullable=False),
        sa.Column("max_days", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["organization.id"],
            name=op.f("fk_grant_agency_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_grant_building_id_building")
        ),
        sa.ForeignKeyConstraint(
            ["developer_id"],
            ["organization.id"],
            name=op.f("fk_grant_developer_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant")),
        sa.UniqueConstraint(
            "agency_id", "building_id", name=op.f("uq_grant_agency_id_building_id")
        ),
    )
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grant_building_id"), ["building_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grant_developer_id"), ["developer_id"], unique=False
        )

    op.create_table(
        "section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["building.id"],
            name=op.f("fk_section_building_id_building"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section")),
        sa.UniqueConstraint(
            "building_id", "name", name=op.f("uq_section_building_id_name")
        ),
    )
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_section_building_id"), ["building_id"], unique=False
        )

    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("floor_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rooms", sa.Integer(), nullable=True),
        sa.Column("area", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("layout_url", sa.String(length=500), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.Column("changed_version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_unit_building_id_building")
        ),
        sa.ForeignKeyConstraint(
            ["floor_id"], ["floor.id"], name=op.f("fk_unit_floor_id_floor")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_unit_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["section.id"], name=op.f("fk_unit_section_id_section")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint(
            "section_id", "number", name=op.f("uq_unit_section_id_number")
        ),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_building_id"), ["building_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_unit_changed_version"), ["changed_version"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_unit_floor_id"), ["floor_id"], unique=False
        )
        batch_op.create_index(
            "ix_unit_project_external", ["project_id", "external_id"], unique=True
        )
        batch_op.create_index(
            batch_op.f("ix_unit_section_id"), ["section_id"], unique=False
        )

    op.create_table(
        "grant_unit",
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grant.id"],
            name=op.f("fk_grant_unit_grant_id_grant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
            name=op.f("fk_grant_unit_unit_id_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("grant_id", "unit_id", name=op.f("pk_grant_unit")),
    )
    op.create_table(
        "reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("developer_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("client_phone", sa.String(length=32), nullable=False),
        sa.Column("requested_days", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("price_at_request", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("approved_days", sa.Integer(), nullable=True),
        sa.Column("fixed_price", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column(
            "expires_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("crm_deal_id", sa.String(length=64), nullable=True),
        sa.Column("crm_stage_name", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "decided_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["organization.id"],
            name=op.f("fk_reservation_agency_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["user.id"], name=op.f("fk_reservation_agent_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name=op.f("fk_reservation_decided_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["developer_id"],
            ["organization.id"],
            name=op.f("fk_reservation_developer_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_reservation_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservation")),
    )
    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reservation_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reservation_agent_id"), ["agent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reservation_developer_id"), ["developer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reservation_unit_id"), ["unit_id"], unique=False
        )
        batch_op.create_index(
            "uq_reservation_open_unit",
            ["unit_id"],
            unique=True,
            postgresql_where=sa.text(
                "status IN ('requested', 'info_requested', 'approved', 'booked')"
            ),
            sqlite_where=sa.text(
                "status IN ('requested', 'info_requested', 'approved', 'booked')"
            ),
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("reservation_id", sa.Integer(), nullable=True),
        sa.Column("from_value", sa.String(length=200), nullable=True),
        sa.Column("to_value", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_audit_event_actor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_event_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["reservation.id"],
            name=op.f("fk_audit_event_reservation_id_reservation"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_audit_event_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_event_reservation_id"),
            ["reservation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_audit_event_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reservation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_message_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["reservation.id"],
            name=op.f("fk_message_reservation_id_reservation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_reservation_id"), ["reservation_id"], unique=False
        )

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=False),
        sa.Column("developer_id", sa.Integer(), nullable=True),
        sa.Column("reservation_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column(
            "next_attempt_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "delivered_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["developer_id"],
            ["organization.id"],
            name=op.f("fk_outbox_message_developer_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["reservation.id"],
            name=op.f("fk_outbox_message_reservation_id_reservation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_message_status"), ["status"], unique=False
        )

    op.create_table(
        "thread_read",
        sa.Column("reservation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["reservation.id"],
            name=op.f("fk_thread_read_reservation_id_reservation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_thread_read_user_id_user")
        ),
        sa.PrimaryKeyConstraint(
            "reservation_id", "user_id", name=op.f("pk_thread_read")
        ),
    )
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("reservation_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            partnerhub.models.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
            name=op.f("fk_attachment_message_id_message"),
        ),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["reservation.id"],
            name=op.f("fk_attachment_reservation_id_reservation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_attachment_stored_name")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachment_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attachment_reservation_id"), ["reservation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_reservation_id"))
        batch_op.drop_index(batch_op.f("ix_attachment_message_id"))

    op.drop_table("attachment")
    op.drop_table("thread_read")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_status"))

    op.drop_table("outbox_message")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_reservation_id"))

    op.drop_table("message")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_unit_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_reservation_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_created_at"))

    op.drop_table("audit_event")
    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_reservation_open_unit",
            postgresql_where=sa.text(
                "status IN ('requested', 'info_requested', 'approved', 'booked')"
            ),
            sqlite_where=sa.text(
                "status IN ('requested', 'info_requested', 'approved', 'booked')"
            ),
        )
        batch_op.drop_index(batch_op.f("ix_reservation_unit_id"))
        batch_op.drop_index(batch_op.f("ix_reservation_developer_id"))
        batch_op.drop_index(batch_op.f("ix_reservation_agent_id"))
        batch_op.drop_index(batch_op.f("ix_reservation_agency_id"))

    op.drop_table("reservation")
    op.drop_table("grant_unit")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_section_id"))
        batch_op.drop_index("ix_unit_project_external")
        batch_op.drop_index(batch_op.f("ix_unit_floor_id"))
        batch_op.drop_index(batch_op.f("ix_unit_changed_version"))
        batch_op.drop_index(batch_op.f("ix_unit_building_id"))

    op.drop_table("unit")
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_section_building_id"))

    op.drop_table("section")
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_developer_id"))
        batch_op.drop_index(batch_op.f("ix_grant_building_id"))
        batch_op.drop_index(batch_op.f("ix_grant_agency_id"))

    op.drop_table("grant")
    with op.batch_alter_table("floor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_floor_building_id"))

    op.drop_table("floor")
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_building_project_id"))

    op.drop_table("building")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_organization_id"))

    op.drop_table("user")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_developer_id"))

    op.drop_table("project")
    op.drop_table("import_mapping")
    op.drop_table("organization")
