//! The catalog keys of the shared enums' names, for every page that shows them.

use kring_shared::{
    Permission, admin::CareRole, audit::AuditAction, integration::Scope, me::Relationship,
};

/// The catalog key of a permission's column.
pub fn permission_label(permission: Permission) -> &'static str {
    match permission {
        Permission::Messages => "users.perm.messages",
        Permission::Agenda => "users.perm.agenda",
        Permission::Dossier => "users.perm.dossier",
        Permission::Details => "users.perm.details",
        Permission::Settings => "users.perm.settings",
    }
}

/// The catalog key of a relationship.
pub fn relationship_label(relationship: Relationship) -> &'static str {
    match relationship {
        Relationship::Client => "relationship.self",
        Relationship::Child => "relationship.child",
        Relationship::Grandchild => "relationship.grandchild",
        Relationship::Partner => "relationship.partner",
        Relationship::Sibling => "relationship.sibling",
        Relationship::Parent => "relationship.parent",
        Relationship::Family => "relationship.family",
        Relationship::Friend => "relationship.friend",
        Relationship::Mentor => "relationship.mentor",
        Relationship::Curator => "relationship.curator",
        Relationship::LegalRepresentative => "relationship.legal_representative",
        Relationship::Other => "relationship.other",
    }
}

/// The catalog key of a care role.
pub fn care_role_label(role: CareRole) -> &'static str {
    match role {
        CareRole::Evv => "careworkers.role.evv",
        CareRole::PersonalSupervisor => "careworkers.role.personal_supervisor",
        CareRole::CareAssistant => "careworkers.role.care_assistant",
        CareRole::Other => "careworkers.role.other",
    }
}

/// The catalog key of an integration scope.
pub fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::ClientsWrite => "integrations.scope.clients",
        Scope::DossierWrite => "integrations.scope.dossier",
        Scope::FeedRead => "integrations.scope.feed",
        Scope::MessagesWrite => "integrations.scope.messages",
    }
}

/// The catalog key of what happened.
pub fn action_label(action: AuditAction) -> &'static str {
    match action {
        AuditAction::ContactAdded => "audit.action.contact_added",
        AuditAction::ContactRemoved => "audit.action.contact_removed",
        AuditAction::PermissionsChanged => "audit.action.permissions_changed",
        AuditAction::InvitationSent => "audit.action.invitation_sent",
        AuditAction::PrimaryContactAppointed => "audit.action.primary_contact_appointed",
        AuditAction::DischargeDateSet => "audit.action.discharge_date_set",
        AuditAction::OrganisationSettingsChanged => "audit.action.settings_changed",
        AuditAction::ServiceAccountCreated => "audit.action.service_account_created",
        AuditAction::ServiceAccountRevoked => "audit.action.service_account_revoked",
        AuditAction::TemporaryPasswordSent => "audit.action.temporary_password_sent",
        AuditAction::AccessLogPurged => "audit.action.access_log_purged",
    }
}
