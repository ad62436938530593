//! *Beheer*: the organisation admin console (staff side). The organisation's settings; the
//! organisation's accounts, with a search, and sending someone a new temporary password by
//! e-mail (the Laurens variant of a password reset); the integrations (ECD) with their API keys.

use kring_shared::{
    admin::{
        AdminClientSummary, AdminUserSummary, CareRole, CareWorkerSummary, ClientAccountRequest,
        LockoutMode, NewCareWorkerRequest, NewClientPortalRequest, OrganisationSettings, ResetMode,
    },
    contacts::NewContactRequest,
    integration::{NewServiceAccountRequest, Scope, ServiceAccountSummary},
    me::{AccountKind, Relationship},
    password::PasswordPolicy,
};
use leptos::{html, prelude::*};
use strum::IntoEnumIterator;
use uuid::Uuid;

use crate::{
    api::ApiFailure,
    components::{
        audit::AuditList,
        date_time,
        failure::LoadFailure,
        form::{GenderSelect, TextField, gender_of},
        long_date,
        shell::Shell,
        tabs::TabNav,
    },
    i18n::{
        labels::{care_role_label, relationship_label, scope_label},
        use_i18n,
    },
    session::use_session,
};

mod audit_log;
mod care_workers;
mod integrations;
mod mail;
mod portals;
mod settings;
mod users;

use audit_log::AuditLog;
use care_workers::CareWorkers;
use integrations::Integrations;
use mail::UndeliveredMail;
use portals::ClientPortals;
use settings::OrganisationSettingsForm;
use users::AdminUsers;

/// A part of Beheer, each on a page of its own (a phone shows one part, not all seven stacked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Portals,
    CareWorkers,
    Settings,
    Integrations,
    Users,
    Mail,
    AuditLog,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Portals,
        Section::CareWorkers,
        Section::Settings,
        Section::Integrations,
        Section::Users,
        Section::Mail,
        Section::AuditLog,
    ];

    /// The page's address; client portals, the most used part, open first.
    pub fn path(self) -> &'static str {
        match self {
            Section::Portals => "/beheer",
            Section::CareWorkers => "/beheer/zorgverleners",
            Section::Settings => "/beheer/instellingen",
            Section::Integrations => "/beheer/koppelingen",
            Section::Users => "/beheer/gebruikers",
            Section::Mail => "/beheer/e-mail",
            Section::AuditLog => "/beheer/logboek",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Section::Portals => "admin.section.portals",
            Section::CareWorkers => "admin.section.care_workers",
            Section::Settings => "admin.section.settings",
            Section::Integrations => "admin.section.integrations",
            Section::Users => "admin.section.users",
            Section::Mail => "admin.section.mail",
            Section::AuditLog => "admin.section.audit",
        }
    }
}

/// Beheer: the menu of its parts and the part asked for.
#[component]
pub fn AdminPage(section: Section) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let is_admin = move || {
        session.data.with(|data| {
            data.as_ref()
                .is_some_and(|data| data.me.user.kind == AccountKind::OrganisationAdmin)
        })
    };
    view! {
        <Shell title="admin.title" protected=true>
            <div class="page-text page-wide">
                <h1>{i18n.tr("admin.title")}</h1>
                <Show when=is_admin fallback=move || view! { <p>{i18n.t("admin.not_allowed")}</p> }>
                    <TabNav
                        label="admin.sections"
                        class="admin-tabs"
                        tabs=Section::ALL.into_iter().map(|each| (each.path(), each.label(), each == section)).collect()
                    />
                    {match section {
                        Section::Portals => view! { <ClientPortals/> }.into_any(),
                        Section::CareWorkers => view! { <CareWorkers/> }.into_any(),
                        Section::Settings => view! { <OrganisationSettingsForm/> }.into_any(),
                        Section::Integrations => view! { <Integrations/> }.into_any(),
                        Section::Users => view! { <AdminUsers/> }.into_any(),
                        Section::Mail => view! { <UndeliveredMail/> }.into_any(),
                        Section::AuditLog => view! { <AuditLog/> }.into_any(),
                    }}
                </Show>
            </div>
        </Shell>
    }
}
