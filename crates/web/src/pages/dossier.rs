//! *Dossier*: the client's care record as the seeds show it. *Tijdlijn* lists every entry per
//! day, newest first, with a date bar and "older" paging; *Lezen* groups the entries by kind;
//! *Schrijven* adds a note (questions for the care team belong in messages); *Plannen* shows
//! the care plan in force and its earlier versions. An entry opens in full with the previous
//! and next entry of its kind. Open pages update by themselves when the ECD sends something.

use kring_shared::{
    Permission,
    dossier::{CarePlanDetail, CarePlans, DossierEntry, DossierKind, EntrySummary, KindCount},
    me::Language,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use uuid::Uuid;

use crate::{
    api::ApiFailure,
    components::failure::LoadFailure,
    components::{
        date_time, live::use_live_dossier, long_date, shell::Shell, tabs::TabNav, time_of_day,
    },
    i18n::{I18n, use_i18n},
    session::use_session,
};

/// The four parts of the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Timeline,
    Read,
    Write,
    Plans,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Timeline, Tab::Read, Tab::Write, Tab::Plans];

    fn path(self) -> &'static str {
        match self {
            Tab::Timeline => "/dossier",
            Tab::Read => "/dossier/lezen",
            Tab::Write => "/dossier/schrijven",
            Tab::Plans => "/dossier/plannen",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Timeline => "dossier.tab.timeline",
            Tab::Read => "dossier.tab.read",
            Tab::Write => "dossier.tab.write",
            Tab::Plans => "dossier.tab.plans",
        }
    }
}

/// The catalog key naming one entry of a kind.
pub fn kind_label(kind: DossierKind) -> &'static str {
    match kind {
        DossierKind::CarePlan => "dossier.kind.care_plan",
        DossierKind::Note => "dossier.kind.note",
        DossierKind::Questionnaire => "dossier.kind.questionnaire",
        DossierKind::Report => "dossier.kind.report",
    }
}

fn group_label(kind: DossierKind) -> &'static str {
    match kind {
        DossierKind::CarePlan => "dossier.group.care_plan",
        DossierKind::Note => "dossier.group.note",
        DossierKind::Questionnaire => "dossier.group.questionnaire",
        DossierKind::Report => "dossier.group.report",
    }
}

fn js_date(at: chrono::DateTime<chrono::Utc>) -> js_sys::Date {
    // Milliseconds since the epoch fit an f64 exactly for any realistic date.
    #[allow(clippy::cast_precision_loss)]
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ))
}

/// A day heading in the browser's time zone and the interface language, e.g. "maandag 23
/// november 2026".
fn day_heading(i18n: I18n, at: chrono::DateTime<chrono::Utc>) -> String {
    let options = js_sys::Object::new();
    for (name, value) in [
        ("weekday", "long"),
        ("day", "numeric"),
        ("month", "long"),
        ("year", "numeric"),
    ] {
        let _ = js_sys::Reflect::set(&options, &name.into(), &value.into());
    }
    let locale = match i18n.language.get_untracked() {
        Language::En => "en-GB",
        _ => "nl-NL",
    };
    js_date(at).to_locale_date_string(locale, &options).into()
}

/// The local calendar day of `at`, for grouping.
fn local_day(at: chrono::DateTime<chrono::Utc>) -> (u32, u32, u32) {
    let date = js_date(at);
    (date.get_full_year(), date.get_month(), date.get_date())
}

/// A page of the dossier: the frame (heading, tabs) around `tab`.
#[component]
pub fn DossierPage(tab: Tab) -> impl IntoView {
    view! {
        <Shell title="dossier.title" protected=true>
            <DossierFrame tab=Some(tab)>
                {move || match tab {
                    Tab::Timeline => view! { <Timeline/> }.into_any(),
                    Tab::Read => view! { <Read/> }.into_any(),
                    Tab::Write => view! { <Write/> }.into_any(),
                    Tab::Plans => view! { <Plans/> }.into_any(),
                }}
            </DossierFrame>
        </Shell>
    }
}

/// One entry in full.
#[component]
pub fn DossierEntryPage() -> impl IntoView {
    view! {
        <Shell title="dossier.title" protected=true>
            <DossierFrame tab=None>
                <EntryView/>
            </DossierFrame>
        </Shell>
    }
}

/// The current client, when the user may read its dossier.
fn dossier_client() -> Option<Uuid> {
    let session = use_session();
    session
        .current_membership()
        .filter(|membership| membership.permissions.contains(&Permission::Dossier))
        .map(|membership| membership.client.id)
}

#[component]
fn DossierFrame(tab: Option<Tab>, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let children = StoredValue::new(children);
    move || {
        let Some(membership) = session.current_membership() else {
            return view! {
                <div class="page-text">
                    <h1>{i18n.tr("dossier.title")}</h1>
                    <p>{i18n.tr("dossier.no_client")}</p>
                    <p><a class="button-secondary" href="/start">{i18n.tr("dossier.back_start")}</a></p>
                </div>
            }
            .into_any();
        };
        let name = format!(
            "{} {}",
            membership.client.first_name, membership.client.last_name
        );
        if !membership.permissions.contains(&Permission::Dossier) {
            return view! {
                <div class="page-text">
                    <h1>{i18n.tr("dossier.title")}</h1>
                    <p class="form-error" role="alert">{i18n.tr("dossier.no_access")}</p>
                    <p><a class="button-secondary" href="/start">{i18n.tr("dossier.back_start")}</a></p>
                </div>
            }
            .into_any();
        }
        view! {
            <div class="page-text page-wide dossier">
                <p class="breadcrumb"><a href="/start">{i18n.tr("dossier.back_start")}</a></p>
                <h1>{move || i18n.t_with("dossier.heading", &name)}</h1>
                <TabNav
                    label="dossier.tabs"
                    tabs=Tab::ALL.into_iter().map(|each| (each.path(), each.label(), tab == Some(each))).collect()
                />
                {children.with_value(|children| children())}
            </div>
        }
        .into_any()
    }
}

/// *Tijdlijn*: the entries per day, newest first; a date bar; older pages on request.
#[component]
fn Timeline() -> impl IntoView {
    view! { <EntryStream kind=None/> }
}

/// Entries per day, newest first, with older pages on request: every kind (with the date bar)
/// or one kind (a *Lezen* group).
#[component]
fn EntryStream(kind: Option<DossierKind>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(client_id) = dossier_client() else {
        return ().into_any();
    };
    let version = use_live_dossier(client_id);
    let before = RwSignal::new(None::<String>);
    let typed_date = RwSignal::new(String::new());
    let entries = RwSignal::new(Vec::<EntrySummary>::new());
    let next = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<&'static str>);
    let loaded = RwSignal::new(false);
    let announce = RwSignal::new(None::<&'static str>);
    let query = use_query_map();
    if query.read_untracked().get("geschreven").is_some() {
        announce.set(Some("dossier.write_saved"));
    }
    // The first page: again when the date changes or the dossier changes.
    let first = LocalResource::new(move || {
        let live = version.get();
        let before = before.get();
        let api = session.api();
        async move {
            let page = match api {
                Some(api) => api.timeline(client_id, kind, None, before.as_deref()).await,
                None => Err(ApiFailure::Network),
            };
            (live, page)
        }
    });
    Effect::new(move || {
        if let Some((live, result)) = first.get() {
            match result {
                Ok(page) => {
                    entries.set(page.entries);
                    next.set(page.next_cursor);
                    failure.set(None);
                    if live > 0 {
                        announce.set(Some("dossier.updated_live"));
                    }
                }
                Err(error) => failure.set(Some(error.message_key())),
            }
            loaded.set(true);
        }
    });
    let more = session.action(
        move |api, cursor: String| async move {
            api.timeline(client_id, kind, Some(&cursor), None).await
        },
        move |result| match result {
            Ok(page) => {
                entries.update(|list| list.extend(page.entries));
                next.set(page.next_cursor);
            }
            Err(error) => failure.set(Some(error.message_key())),
        },
    );
    let go_to_date = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = typed_date.get_untracked();
        let Ok(day) = chrono::NaiveDate::parse_from_str(&typed, "%Y-%m-%d") else {
            before.set(None);
            return;
        };
        // The end of the chosen day in the browser's time zone.
        let next_day = day.succ_opt().unwrap_or(day);
        let local_midnight = js_sys::Date::new_with_year_month_day(
            u32::try_from(chrono::Datelike::year(&next_day)).unwrap_or(2000),
            i32::try_from(chrono::Datelike::month0(&next_day)).unwrap_or(0),
            i32::try_from(chrono::Datelike::day(&next_day)).unwrap_or(1),
        );
        before.set(Some(String::from(local_midnight.to_iso_string())));
    };
    let date_bar = kind.is_none().then(|| {
        view! {
            <form class="date-bar" on:submit=go_to_date>
                <label for="dossier-date">{i18n.tr("dossier.date_label")}</label>
                <input
                    id="dossier-date"
                    type="date"
                    prop:value=move || typed_date.get()
                    on:input=move |event| typed_date.set(event_target_value(&event))
                />
                <button type="submit" class="button-secondary">{i18n.tr("dossier.date_go")}</button>
                <Show when=move || before.get().is_some()>
                    <button
                        type="button"
                        class="button-secondary"
                        on:click=move |_| {
                            typed_date.set(String::new());
                            before.set(None);
                        }
                    >
                        {i18n.tr("dossier.date_reset")}
                    </button>
                </Show>
            </form>
        }
    });
    view! {
        {date_bar}
        <p role="status" class:notice=move || announce.get().is_some()>{move || announce.get().map(|key| i18n.t(key))}</p>
        <p class="form-error" role="alert">{move || failure.get().map(|key| i18n.t(key))}</p>
        {move || {
            if !loaded.get() {
                return view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any();
            }
            let list = entries.get();
            if list.is_empty() {
                let empty = if kind.is_some() { "dossier.group_empty" } else { "dossier.empty" };
                return view! { <p class="notice">{i18n.t(empty)}</p> }.into_any();
            }
            view! { <EntryDays entries=list/> }.into_any()
        }}
        {move || match next.get() {
            Some(cursor) => view! {
                <p class="below-panels">
                    <button
                        type="button"
                        class="button-secondary"
                        disabled=move || more.pending().get()
                        on:click=move |_| { more.dispatch_local(cursor.clone()); }
                    >
                        {i18n.tr("dossier.more")}
                    </button>
                </p>
            }
            .into_any(),
            None => (loaded.get() && !entries.with(Vec::is_empty))
                .then(|| view! { <p class="hint">{i18n.tr("dossier.end")}</p> })
                .into_any(),
        }}
    }
    .into_any()
}

/// Entries grouped under a heading per local day.
#[component]
fn EntryDays(entries: Vec<EntrySummary>) -> impl IntoView {
    let i18n = use_i18n();
    let mut days: Vec<(String, Vec<EntrySummary>)> = Vec::new();
    let mut current = None;
    for entry in entries {
        let day = local_day(entry.occurred_at);
        if current != Some(day) {
            current = Some(day);
            days.push((day_heading(i18n, entry.occurred_at), Vec::new()));
        }
        if let Some((_, list)) = days.last_mut() {
            list.push(entry);
        }
    }
    days.into_iter()
        .map(|(heading, list)| {
            view! {
                <section class="day">
                    <h2 class="day-heading">{heading}</h2>
                    <ul class="entry-list">
                        {list.into_iter().map(|entry| view! { <li><EntryCard entry/></li> }).collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
}

#[component]
fn EntryCard(entry: EntrySummary) -> impl IntoView {
    let i18n = use_i18n();
    let kind = entry.kind;
    let href = format!("/dossier/items/{}", entry.id);
    let title = entry.title.clone();
    let meta = entry.author.clone();
    view! {
        <article class=format!("entry-card entry-{}", kind.as_str()) data-entry=entry.id.to_string()>
            <p class="entry-meta">
                <span class="entry-kind">{move || i18n.t(kind_label(kind))}</span>
                " · "
                <time datetime=entry.occurred_at.to_rfc3339()>{time_of_day(entry.occurred_at)}</time>
                {meta.map(|author| view! { " · " <span>{author}</span> })}
            </p>
            <h3 class="entry-title">{entry.title.clone()}</h3>
            // A short note's first line is its title already.
            {(entry.excerpt != entry.title).then(|| view! { <p class="entry-excerpt">{entry.excerpt.clone()}</p> })}
            <a class="entry-open" href=href>
                {i18n.tr("dossier.read_more")}
                <span class="visually-hidden">{format!(": {title}")}</span>
            </a>
        </article>
    }
}

/// *Lezen*: the kinds with their counts; choosing one lists its entries.
#[component]
fn Read() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(client_id) = dossier_client() else {
        return ().into_any();
    };
    let version = use_live_dossier(client_id);
    let query = use_query_map();
    let chosen = move || {
        query
            .read()
            .get("soort")
            .and_then(|kind| DossierKind::parse(&kind))
    };
    let groups = LocalResource::new(move || {
        version.track();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.dossier_groups(client_id).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        <p>{i18n.tr("dossier.read_intro")}</p>
        {move || match groups.get() {
            None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
            Some(Err(failure)) => view! { <LoadFailure failure retry=move || groups.refetch()/> }.into_any(),
            Some(Ok(groups)) => view! {
                <ul class="group-list">
                    {groups.groups.into_iter().map(|group| view! { <GroupLink group chosen=chosen()/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
        {move || chosen().map(|kind| view! {
            <section class="group-entries" aria-labelledby="group-title">
                <h2 id="group-title">{move || i18n.t(group_label(kind))}</h2>
                <EntryStream kind=Some(kind)/>
            </section>
        })}
    }
    .into_any()
}

#[component]
fn GroupLink(group: KindCount, chosen: Option<DossierKind>) -> impl IntoView {
    let i18n = use_i18n();
    let kind = group.kind;
    let count = group.count;
    view! {
        <li>
            <a
                class="group-link"
                href=format!("/dossier/lezen?soort={}", kind.as_str())
                aria-current=(chosen == Some(kind)).then_some("true")
            >
                <span>{move || i18n.t(group_label(kind))}</span>
                <span class="count">{count}</span>
            </a>
        </li>
    }
}

/// *Schrijven*: a note by the client or a contact.
#[component]
fn Write() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let Some(client_id) = dossier_client() else {
        return ().into_any();
    };
    let saved_text = RwSignal::new(String::new());
    let text = session.draft_field(Some(client_id), "dossier-note", saved_text);
    let error = RwSignal::new(None::<&'static str>);
    let save = session.action(
        move |api, text: String| async move { api.write_note(client_id, &text).await },
        move |result| match result {
            Ok(_) => {
                session.clear_draft(Some(client_id), "dossier-note");
                text.set(String::new());
                // Back to the timeline, unless the writer has gone elsewhere meanwhile.
                if error.try_set(None).is_none() {
                    navigate("/dossier?geschreven=1", Default::default());
                }
            }
            Err(failure) => {
                let field = failure
                    .field_errors()
                    .into_iter()
                    .find(|(field, _)| field == "text");
                error.set(Some(match field {
                    Some((_, code)) if code == "too_long" => "dossier.write_too_long",
                    Some(_) => "dossier.write_required",
                    None => failure.message_key(),
                }));
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let value = text.get_untracked();
        if value.trim().is_empty() {
            error.set(Some("dossier.write_required"));
            return;
        }
        save.dispatch_local(value);
    };
    view! {
        <form class="note-form" on:submit=submit novalidate=true>
            <p>{i18n.tr("dossier.write_intro")}</p>
            <p class="notice">{i18n.tr("dossier.write_reminder")}</p>
            <label for="note-text">{i18n.tr("dossier.write_label")}</label>
            <p class="hint" id="note-hint">{i18n.tr("dossier.write_hint")}</p>
            <textarea
                id="note-text"
                rows="8"
                maxlength="4000"
                aria-describedby="note-hint note-error"
                aria-invalid=move || error.get().is_some().then_some("true")
                prop:value=move || text.get()
                on:input=move |event| text.set(event_target_value(&event))
            ></textarea>
            <p class="form-error" id="note-error" role="alert">{move || error.get().map(|key| i18n.t(key))}</p>
            <div class="form-actions">
                <button type="submit" class="button-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { i18n.t("dossier.write_busy") } else { i18n.t("dossier.write_submit") }}
                </button>
            </div>
        </form>
    }
    .into_any()
}

/// *Plannen*: the plan in force and the earlier versions.
#[component]
fn Plans() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(client_id) = dossier_client() else {
        return ().into_any();
    };
    let version = use_live_dossier(client_id);
    let plans = LocalResource::new(move || {
        version.track();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.care_plans(client_id).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        {move || match plans.get() {
            None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
            Some(Err(failure)) => view! { <LoadFailure failure retry=move || plans.refetch()/> }.into_any(),
            Some(Ok(plans)) => view! { <PlanList plans/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn PlanList(plans: CarePlans) -> impl IntoView {
    let i18n = use_i18n();
    let earlier: Vec<_> = plans
        .versions
        .into_iter()
        .filter(|version| !version.current)
        .collect();
    view! {
        <section aria-labelledby="plan-current">
            <h2 id="plan-current">{i18n.tr("dossier.plans_current")}</h2>
            {match plans.current {
                Some(current) => view! {
                    <h3>{current.title.clone()}</h3>
                    {current.care_plan.clone().map(|plan| view! { <PlanBody plan text=current.text.clone()/> })}
                }.into_any(),
                None => view! { <p class="notice">{i18n.tr("dossier.plans_none")}</p> }.into_any(),
            }}
        </section>
        {(!earlier.is_empty()).then(|| view! {
            <section aria-labelledby="plan-versions">
                <h2 id="plan-versions">{i18n.tr("dossier.plans_versions")}</h2>
                <ul class="entry-list">
                    {earlier.into_iter().map(|version| {
                        let period = move || {
                            let language = i18n.language.get();
                            match version.valid_until {
                                Some(until) => format!(
                                    "{} – {}",
                                    long_date(language, version.valid_from),
                                    long_date(language, until)
                                ),
                                None => long_date(language, version.valid_from),
                            }
                        };
                        view! {
                            <li>
                                <a class="group-link" href=format!("/dossier/items/{}", version.id)>
                                    <span>{version.title}</span>
                                    <span class="hint">{period}</span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// A care plan's validity, introduction, goals and actions.
#[component]
fn PlanBody(plan: CarePlanDetail, text: String) -> impl IntoView {
    let i18n = use_i18n();
    let (valid_from, valid_until) = (plan.valid_from, plan.valid_until);
    let validity = move || {
        let language = i18n.language.get();
        let from = long_date(language, valid_from);
        match valid_until {
            Some(until) => i18n.t_args(
                "dossier.valid",
                &[("from", &from), ("until", &long_date(language, until))],
            ),
            None => i18n.t_args("dossier.valid_open", &[("from", &from)]),
        }
    };
    view! {
        <p class="entry-meta">{validity}</p>
        {(!text.is_empty()).then(|| view! { <p>{text}</p> })}
        <h4>{i18n.tr("dossier.goals")}</h4>
        <ol class="goal-list">
            {plan.goals.into_iter().map(|goal| view! {
                <li class="goal">
                    <strong class="goal-title">{goal.title}</strong>
                    {goal.description.map(|description| view! { <p>{description}</p> })}
                    {(!goal.actions.is_empty()).then(|| view! {
                        <ul class="action-list" aria-label=i18n.tr("dossier.actions")>
                            {goal.actions.into_iter().map(|action| view! {
                                <li>
                                    {action.description}
                                    {action.frequency.map(|frequency| view! { <span class="hint">" · "{frequency}</span> })}
                                    {action.responsible.map(|who| view! { <span class="hint">" · "{who}</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                </li>
            }).collect_view()}
        </ol>
    }
}

/// One entry in full, with the previous and next of its kind.
#[component]
fn EntryView() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let Some(client_id) = dossier_client() else {
        return ().into_any();
    };
    let version = use_live_dossier(client_id);
    let entry = LocalResource::new(move || {
        version.track();
        let id = params
            .read()
            .get("id")
            .and_then(|id| id.parse::<Uuid>().ok());
        let api = session.api();
        async move {
            match (api, id) {
                (Some(api), Some(id)) => api.dossier_entry(client_id, id).await,
                _ => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        {move || match entry.get() {
            None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
            Some(Err(failure)) => view! { <LoadFailure failure retry=move || entry.refetch()/> }.into_any(),
            Some(Ok(entry)) => view! { <EntryFull entry/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn EntryFull(entry: DossierEntry) -> impl IntoView {
    let i18n = use_i18n();
    let kind = entry.kind;
    let back = match kind {
        DossierKind::CarePlan => "/dossier/plannen".to_owned(),
        _ => format!("/dossier/lezen?soort={}", kind.as_str()),
    };
    view! {
        <article class="entry-full">
            <p class="entry-meta">
                <span class="entry-kind">{move || i18n.t(kind_label(kind))}</span>
                " · "
                <time datetime=entry.occurred_at.to_rfc3339()>{move || date_time(i18n.language.get(), entry.occurred_at)}</time>
                {entry.author.clone().map(|author| view! { " · " <span>{author}</span> })}
            </p>
            <h2>{entry.title.clone()}</h2>
            {match entry.care_plan.clone() {
                Some(plan) => view! { <PlanBody plan text=entry.text.clone()/> }.into_any(),
                None if entry.answers.is_empty() => entry
                    .text
                    .split('\n')
                    .filter(|line| !line.trim().is_empty())
                    .map(|line| view! { <p>{line.to_owned()}</p> })
                    .collect_view()
                    .into_any(),
                None => view! {
                    <h3>{i18n.tr("dossier.answers")}</h3>
                    <dl class="answers">
                        {entry.answers.clone().into_iter().map(|answer| view! {
                            <dt>{answer.question}</dt>
                            <dd>{answer.answer}</dd>
                        }).collect_view()}
                    </dl>
                }.into_any(),
            }}
        </article>
        <nav class="pager" aria-label=i18n.tr("dossier.pager")>
            {entry.next_id.map(|id| view! {
                <a class="button-secondary" href=format!("/dossier/items/{id}") rel="prev">{i18n.tr("dossier.newer")}</a>
            })}
            {entry.previous_id.map(|id| view! {
                <a class="button-secondary" href=format!("/dossier/items/{id}") rel="next">{i18n.tr("dossier.older")}</a>
            })}
            <a class="button-secondary" href=back>{i18n.tr("dossier.back_group")}</a>
        </nav>
    }
}
