//! The audit log as a list a person can read: when, who (on whose behalf), what, about whom,
//! and for ticks what they were before and after. Shared by *Beheer* (the whole log) and
//! *Gebruikersbeheer* (the changes to one client's network).

use kring_shared::{
    Permission,
    audit::{AuditAction, AuditEntry, AuditLogPage},
    me::Relationship,
};
use leptos::prelude::*;

use crate::{
    components::date_time,
    i18n::{
        I18n,
        labels::{action_label, permission_label, relationship_label},
        use_i18n,
    },
};

/// Tick names as the permission table shows them, or "geen".
fn ticks(i18n: I18n, value: &serde_json::Value) -> String {
    let names: Vec<&str> = value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str())
        .filter_map(Permission::parse)
        .map(|permission| i18n.t(permission_label(permission)))
        .collect();
    if names.is_empty() {
        i18n.t("audit.no_ticks").to_owned()
    } else {
        names.join(", ")
    }
}

/// The part after the action: ticks before → after, or the changed settings' names.
fn details(i18n: I18n, entry: &AuditEntry) -> Option<String> {
    match entry.action {
        AuditAction::PermissionsChanged => Some(format!(
            "{} → {}",
            ticks(i18n, &entry.details["before"]),
            ticks(i18n, &entry.details["after"])
        )),
        AuditAction::OrganisationSettingsChanged => entry
            .details
            .as_object()
            .map(|fields| fields.keys().cloned().collect::<Vec<_>>().join(", ")),
        AuditAction::DischargeDateSet => Some(
            entry.details["after"]
                .as_str()
                .map_or_else(|| i18n.t("audit.undone").to_owned(), str::to_owned),
        ),
        _ => None,
    }
}

fn on_behalf(i18n: I18n, entry: &AuditEntry) -> Option<String> {
    let value = entry.on_behalf_of.as_deref()?;
    if value == "organisation_admin" {
        return Some(i18n.t("audit.organisation_admin").to_owned());
    }
    Relationship::parse(value)
        .map(|relationship| i18n.t(relationship_label(relationship)).to_owned())
}

/// A page of the log; nothing at all when it is empty but a plain sentence.
#[component]
pub fn AuditList(page: AuditLogPage, show_address: bool) -> impl IntoView {
    let i18n = use_i18n();
    let broken = page.chain_intact == Some(false);
    if page.entries.is_empty() {
        return view! { <p>{i18n.tr("audit.empty")}</p> }.into_any();
    }
    let items = page
        .entries
        .into_iter()
        .map(|entry| {
            let at = entry.occurred_at;
            let who = match on_behalf(i18n, &entry) {
                Some(role) => format!("{} ({role})", entry.actor_name),
                None => entry.actor_name.clone(),
            };
            let what = i18n.t(action_label(entry.action));
            let whom = entry.target_name.clone();
            let more = details(i18n, &entry);
            let address = show_address.then(|| entry.ip_address.clone()).flatten();
            view! {
                <li class="audit-entry">
                    <p class="audit-when">{move || date_time(i18n.language.get(), at)}</p>
                    <p>
                        <strong>{who}</strong>" "{what}
                        {whom.map(|name| view! { ": "<strong>{name}</strong> })}
                    </p>
                    {more.map(|text| view! { <p class="audit-details">{text}</p> })}
                    {address.map(|ip| view! { <p class="audit-details">{i18n.tr("audit.address")}" "{ip}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        {broken.then(|| view! { <p class="form-error" role="alert">{i18n.tr("audit.chain_broken")}</p> })}
        <ul class="audit-list">{items}</ul>
    }
    .into_any()
}
