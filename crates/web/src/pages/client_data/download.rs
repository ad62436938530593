//! *Download*: the client's data for a month range as a ZIP (a readable overview, a FHIR
//! bundle, the photos and attachments). The server makes the file in the background; the page
//! follows its progress and then offers it through a one-time link, so the browser saves it
//! to disk itself. Earlier files stay downloadable until they expire.

use kring_shared::{
    ErrorCode,
    export::{ExportList, ExportRequest, ExportState, ExportStatus, MAX_EXPORT_MONTHS, YearMonth},
};
use leptos::prelude::*;
use uuid::Uuid;

use super::{ClientDataPage, range_words};
use crate::{
    api::ApiFailure,
    components::{
        attachments::file_size, date_in, date_time, failure::LoadFailure, save_file::save_link,
    },
    i18n::{I18n, use_i18n},
    pages::agenda::today,
    session::{Session, use_session},
};

#[component]
pub fn DownloadPage() -> impl IntoView {
    view! {
        <ClientDataPage
            title="download.title"
            not_allowed="download.not_allowed"
            content=|client_id| view! { <Download client_id/> }.into_any()
        />
    }
}

/// Whether the server is still making the file.
fn is_running(state: ExportState) -> bool {
    matches!(state, ExportState::Queued | ExportState::Running)
}

/// The catalog key of a file's state in the list.
fn state_label(state: ExportState) -> &'static str {
    match state {
        ExportState::Queued => "download.state.queued",
        ExportState::Running => "download.state.running",
        ExportState::Ready => "download.state.ready",
        ExportState::Failed => "download.state.failed",
        ExportState::Expired => "download.state.expired",
    }
}

/// The catalog key for the server's field error `code` on the chosen months.
fn range_error_key(code: &str) -> &'static str {
    match code {
        "before_from" => "download.error.order",
        "in_future" => "download.error.future",
        "too_long" => "download.error.too_long",
        _ => "download.error.invalid",
    }
}

/// What the page shares with the code that follows a file being made.
#[derive(Clone, Copy)]
struct Exports {
    session: Session,
    client_id: Uuid,
    list: LocalResource<Result<ExportList, ApiFailure>>,
    /// The file being made or just made.
    active: RwSignal<Option<ExportStatus>>,
    failure: RwSignal<Option<&'static str>>,
}

impl Exports {
    /// Shows `status` and, while the server is still making it, asks again every 1.5 s until
    /// it is done or the page has closed.
    fn follow(self, status: ExportStatus) {
        let running = is_running(status.state);
        if self.active.try_set(Some(status)).is_some() {
            return;
        }
        if !running {
            self.list.refetch();
            return;
        }
        set_timeout(
            move || {
                let Some(Some(id)) = self
                    .active
                    .try_with_untracked(|active| active.as_ref().map(|status| status.id))
                else {
                    return;
                };
                let Some(api) = self.session.api() else {
                    return;
                };
                leptos::task::spawn_local(async move {
                    match api.export_status(self.client_id, id).await {
                        Ok(status) => self.follow(status),
                        // The connection dropped for a moment: ask again.
                        Err(ApiFailure::Network) => {
                            if let Some(Some(status)) = self.active.try_get_untracked() {
                                self.follow(status);
                            }
                        }
                        Err(failure) => {
                            let _ = self.failure.try_set(Some(failure.message_key()));
                            let _ = self.active.try_set(None);
                        }
                    }
                });
            },
            std::time::Duration::from_millis(1500),
        );
    }
}

#[component]
fn Download(client_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.exports(client_id).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    let exports = Exports {
        session,
        client_id,
        list,
        active: RwSignal::new(None),
        failure: RwSignal::new(None),
    };
    // A file still being made from before (the page was reloaded) is followed again.
    Effect::new(move || {
        let running = list.with(|loaded| {
            loaded
                .as_ref()
                .and_then(|result| result.as_ref().ok())
                .and_then(|list| list.exports.iter().find(|export| is_running(export.state)))
                .cloned()
        });
        if let Some(status) = running
            && exports.active.with_untracked(Option::is_none)
        {
            exports.follow(status);
        }
    });
    // The form is made again only when these change, not at every reload of the list (the
    // chosen months stay).
    let limits = Memo::new(move |_| {
        list.with(|loaded| {
            loaded
                .as_ref()
                .and_then(|result| result.as_ref().ok())
                .map(|list| (list.earliest, list.keep_hours))
        })
    });
    view! {
        <p>{i18n.tr("download.intro")}</p>
        <p>{i18n.tr("download.contents")}</p>
        {move || limits.get().map(|(earliest, keep_hours)| view! { <ExportForm exports earliest keep_hours/> })}
        {move || match list.get() {
            None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
            Some(Err(failure)) => view! { <LoadFailure failure retry=move || list.refetch()/> }.into_any(),
            Some(Ok(loaded)) => view! { <EarlierExports exports all=loaded.exports/> }.into_any(),
        }}
    }
}

/// The months to export, the warning and *Gegevens opslaan*; then the file being made.
#[component]
fn ExportForm(exports: Exports, earliest: Option<YearMonth>, keep_hours: i16) -> impl IntoView {
    let i18n = use_i18n();
    let this_month = YearMonth::of(today());
    // The last three months through this one.
    let mut start = this_month;
    for _ in 0..2 {
        start = YearMonth {
            year: start.year - i32::from(start.month == 1),
            month: if start.month == 1 {
                12
            } else {
                start.month - 1
            },
        };
    }
    let first_year = earliest.map_or(start.year, |earliest| earliest.year.min(start.year));
    let from = RwSignal::new(start);
    let until = RwSignal::new(this_month);
    let range_error = RwSignal::new(None::<&'static str>);
    let start_export = exports.session.action(
        move |api, request: ExportRequest| async move {
            api.start_export(exports.client_id, &request).await
        },
        move |result| match result {
            Ok(status) => exports.follow(status),
            Err(failure) if failure.code() == Some(ErrorCode::RateLimited) => {
                // Already one being made: the list shows it, and it is followed.
                if exports
                    .failure
                    .try_set(Some("download.error.busy"))
                    .is_none()
                {
                    exports.list.refetch();
                }
            }
            Err(failure) => {
                let field = failure
                    .field_errors()
                    .into_iter()
                    .find(|(field, _)| field == "from" || field == "until");
                match field {
                    Some((_, code)) => range_error.try_set(Some(range_error_key(&code))),
                    None => exports.failure.try_set(Some(failure.message_key())),
                };
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (first, last) = (from.get_untracked(), until.get_untracked());
        let wrong = if last < first {
            Some("download.error.order")
        } else if last > this_month {
            Some("download.error.future")
        } else if first.months_through(last) > MAX_EXPORT_MONTHS {
            Some("download.error.too_long")
        } else {
            None
        };
        range_error.set(wrong);
        exports.failure.set(None);
        if wrong.is_none() {
            start_export.dispatch_local(ExportRequest {
                from: first,
                until: last,
            });
        }
    };
    let busy = move || {
        start_export.pending().get()
            || exports.active.with(|active| {
                active
                    .as_ref()
                    .is_some_and(|status| is_running(status.state))
            })
    };
    view! {
        <form class="download-form" on:submit=submit novalidate>
            <MonthChoice id="download-from" legend="download.from" value=from first_year last_year=this_month.year range_error/>
            <MonthChoice id="download-until" legend="download.until" value=until first_year last_year=this_month.year range_error/>
            <p id="download-range-error" class="field-error">{move || range_error.get().map(|key| i18n.t(key))}</p>
            <p class="notice-warning">{i18n.tr("download.warning")}</p>
            <p class="hint">{move || i18n.t_count("download.keep", u64::try_from(keep_hours).unwrap_or_default())}</p>
            <button type="submit" class="button-primary" disabled=busy>
                {i18n.tr("download.save")}
            </button>
        </form>
        <p class="form-error" role="alert">{move || exports.failure.get().map(|key| i18n.t(key))}</p>
        <ActiveExport exports/>
    }
}

/// A month and a year under one legend (`<input type="month">` is not there in every
/// browser).
#[component]
fn MonthChoice(
    id: &'static str,
    legend: &'static str,
    value: RwSignal<YearMonth>,
    first_year: i32,
    last_year: i32,
    range_error: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (month_id, year_id) = (format!("{id}-month"), format!("{id}-year"));
    let invalid = move || range_error.get().is_some().to_string();
    let months = (1..=12u32)
        .map(|month| {
            let name = chrono::NaiveDate::from_ymd_opt(2000, month, 1).unwrap_or_default();
            view! {
                <option value=month.to_string() selected=move || value.with(|chosen| chosen.month == month)>
                    {move || date_in(i18n.language.get(), name, &[("month", "long")])}
                </option>
            }
        })
        .collect_view();
    let years = (first_year..=last_year)
        .map(|year| {
            view! {
                <option value=year.to_string() selected=move || value.with(|chosen| chosen.year == year)>
                    {year}
                </option>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field">
            <legend>{i18n.tr(legend)}</legend>
            <div class="field-row">
                <div class="field">
                    <label for=month_id.clone()>{i18n.tr("download.month")}</label>
                    <select id=month_id aria-describedby="download-range-error" aria-invalid=invalid
                        on:change=move |event| {
                            if let Ok(month) = event_target_value(&event).parse() {
                                value.update(|chosen| chosen.month = month);
                            }
                        }>
                        {months}
                    </select>
                </div>
                <div class="field">
                    <label for=year_id.clone()>{i18n.tr("download.year")}</label>
                    <select id=year_id aria-describedby="download-range-error" aria-invalid=invalid
                        on:change=move |event| {
                            if let Ok(year) = event_target_value(&event).parse() {
                                value.update(|chosen| chosen.year = year);
                            }
                        }>
                        {years}
                    </select>
                </div>
            </div>
        </fieldset>
    }
}

/// The file being made: a progress bar and a spoken status while it is made, then the
/// download.
#[component]
fn ActiveExport(exports: Exports) -> impl IntoView {
    let i18n = use_i18n();
    let active = exports.active;
    let state =
        Memo::new(move |_| active.with(|active| active.as_ref().map(|status| status.state)));
    let progress =
        move || active.with(|active| active.as_ref().map_or(0, |status| status.progress));
    // Always in the page, so that screen readers hear each change.
    let spoken = move || {
        state.get().map(|state| match state {
            ExportState::Queued => i18n.t("download.queued").to_owned(),
            ExportState::Running => {
                i18n.t_args("download.running", &[("percent", &progress().to_string())])
            }
            other => i18n
                .t(match other {
                    ExportState::Ready => "download.ready",
                    ExportState::Expired => "download.state.expired",
                    _ => "download.failed",
                })
                .to_owned(),
        })
    };
    view! {
        <p class="export-status" role="status">{spoken}</p>
        {move || match state.get() {
            Some(ExportState::Queued | ExportState::Running) => view! {
                <div class="export-progress">
                    <label for="export-progress">{i18n.tr("download.progress")}</label>
                    <progress id="export-progress" max="100" value=progress>
                        {move || format!("{}%", progress())}
                    </progress>
                </div>
            }
            .into_any(),
            Some(ExportState::Ready) => active
                .get_untracked()
                .map(|status| view! { <div class="inline-step"><ReadyFile exports status/></div> })
                .into_any(),
            _ => ().into_any(),
        }}
    }
}

/// A ready file's size, until when it can be downloaded, and its download button.
#[component]
fn ReadyFile(exports: Exports, status: ExportStatus) -> impl IntoView {
    let i18n = use_i18n();
    let failure = RwSignal::new(None::<&'static str>);
    let fetch = exports.session.action(
        move |api, (id, name): (Uuid, String)| async move {
            let link = api.export_link(exports.client_id, id).await?;
            save_link(&link.url, &name)
        },
        move |result| {
            failure.try_set(result.err().map(|failure| failure.message_key()));
        },
    );
    let (id, name) = (status.id, status.file_name.clone());
    let range = (status.from, status.until);
    let size = status
        .size_bytes
        .and_then(|bytes| u64::try_from(bytes).ok());
    let expires = status.expires_at;
    view! {
        <p class="hint">
            {move || size.map(|bytes| i18n.t_args("download.size", &[("size", &file_size(i18n.language.get(), bytes))]))}
            " "
            {move || expires.map(|at| i18n.t_args("download.expires", &[("date", &date_time(i18n.language.get(), at))]))}
        </p>
        <button type="button" class="button-primary"
            on:click=move |_| {
                // Not `disabled`: that would take the keyboard focus away.
                if !fetch.pending().get_untracked() {
                    fetch.dispatch_local((id, name.clone()));
                }
            }>
            {i18n.tr("download.get")}
            <span class="visually-hidden">" (" {move || range_words(i18n, range.0, range.1)} ")"</span>
        </button>
        <span role="status" class="hint">{move || fetch.pending().get().then(|| i18n.t("messages.downloading"))}</span>
        <p class="form-error" role="alert">{move || failure.get().map(|key| i18n.t(key))}</p>
    }
}

/// The user's earlier files of this client (not the one followed above); nothing when there
/// are none.
#[component]
fn EarlierExports(exports: Exports, all: Vec<ExportStatus>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let shown = exports
            .active
            .with(|active| active.as_ref().map(|status| status.id));
        let items: Vec<_> = all
            .iter()
            .filter(|export| Some(export.id) != shown)
            .cloned()
            .collect();
        (!items.is_empty()).then(|| {
            view! {
                <section class="profile-section" aria-labelledby="earlier-exports-title">
                    <h2 id="earlier-exports-title">{i18n.tr("download.earlier")}</h2>
                    <ul class="session-list">
                        {items.into_iter().map(|status| earlier_item(i18n, exports, status)).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

fn earlier_item(i18n: I18n, exports: Exports, status: ExportStatus) -> impl IntoView {
    let (from, until, state) = (status.from, status.until, status.state);
    let made = status.created_at;
    view! {
        <li class="session-item export-item">
            <div>
                <strong>{move || range_words(i18n, from, until)}</strong>
                <p class="hint">
                    {i18n.tr(state_label(state))} " · "
                    {move || i18n.t_args("download.made", &[("date", &date_time(i18n.language.get(), made))])}
                </p>
                {(state == ExportState::Ready).then(|| view! { <ReadyFile exports status/> })}
            </div>
        </li>
    }
}
