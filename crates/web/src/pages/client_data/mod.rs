//! The client's data in their own hands: *Download* (a copy for a month range) and *Wie heeft
//! mijn dossier bekeken* (the access log in plain words). Both are for the client themselves
//! and for portal administrators (*Instellingen*); the server checks the same.

pub mod download;
pub mod viewed;

use kring_shared::{
    Permission,
    export::YearMonth,
    me::{ClientMembership, Language, Relationship},
};
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    components::{date_in, shell::Shell},
    i18n::{I18n, use_i18n},
    session::use_session,
};

/// Whether `membership` may use *Download* and *Wie heeft mijn dossier bekeken*.
pub fn holds_data_rights(membership: &ClientMembership) -> bool {
    membership.relationship == Relationship::Client
        || membership.permissions.contains(&Permission::Settings)
}

/// A page about the chosen client's data: `content` for someone with the right, otherwise
/// the sentence `not_allowed` (or "choose a client first").
#[component]
fn ClientDataPage(
    title: &'static str,
    not_allowed: &'static str,
    content: fn(Uuid) -> AnyView,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Only a change of client or right renders the page again, not every reload of `me`.
    let client = Memo::new(move |_| {
        session
            .current_membership()
            .map(|membership| holds_data_rights(&membership).then_some(membership.client.id))
    });
    view! {
        <Shell title protected=true>
            <div class="page-text">
                <h1>{i18n.tr(title)}</h1>
                {move || match client.get() {
                    Some(Some(client_id)) => content(client_id),
                    Some(None) => view! {
                        <p>{i18n.tr(not_allowed)}</p>
                        <p><a href="/start">{i18n.tr("dossier.back_start")}</a></p>
                    }
                    .into_any(),
                    None => view! {
                        <p>{i18n.tr("users.choose_first")} " " <a href="/start">{i18n.tr("nav.start")}</a></p>
                    }
                    .into_any(),
                }}
            </div>
        </Shell>
    }
}

/// A month in words: `september 2026`.
fn month_words(language: Language, month: YearMonth) -> String {
    date_in(
        language,
        month.first_day(),
        &[("month", "long"), ("year", "numeric")],
    )
}

/// Months in words: `september 2026 tot en met november 2026`, or one month.
fn range_words(i18n: I18n, from: YearMonth, until: YearMonth) -> String {
    let language = i18n.language.get();
    if from == until {
        return month_words(language, from);
    }
    i18n.t_args(
        "download.range",
        &[
            ("from", &month_words(language, from)),
            ("until", &month_words(language, until)),
        ],
    )
}
