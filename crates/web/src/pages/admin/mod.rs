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
        failure::LoadFailure,
        form::{GenderSelect, TextField, gender_of},
        local_date_time, long_date,
        shell::Shell,
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

#[component]
pub fn AdminPage() -> impl IntoView {
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
                <h1>{move || i18n.t("admin.title")}</h1>
                <Show when=is_admin fallback=move || view! { <p>{i18n.t("admin.not_allowed")}</p> }>
                    <ClientPortals/>
                    <CareWorkers/>
                    <OrganisationSettingsForm/>
                    <Integrations/>
                    <AdminUsers/>
                    <UndeliveredMail/>
                    <AuditLog/>
                </Show>
            </div>
        </Shell>
    }
}
