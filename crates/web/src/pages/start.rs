//! *Startscherm*: the client's photo in the middle and a coloured panel per feature the user may
//! see. A person with several clients picks one, and switches by clicking the photo.

use kring_shared::{
    PanelKind,
    home::{HomeView, Panel, PanelStatus},
    me::ClientMembership,
};
use leptos::{html, prelude::*};
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::{
    api::ApiFailure,
    components::{
        avatar::{Avatar, full_name},
        date_time,
        live::use_live,
        long_date,
        shell::Shell,
    },
    i18n::use_i18n,
    pages::client_data::holds_data_rights,
    session::use_session,
};

/// The catalog key of a panel's title.
pub fn panel_title(kind: PanelKind) -> &'static str {
    match kind {
        PanelKind::Agenda => "panel.agenda",
        PanelKind::Messages => "panel.messages",
        PanelKind::Dossier => "panel.dossier",
        PanelKind::Details => "panel.details",
    }
}

#[component]
pub fn StartPage() -> impl IntoView {
    view! {
        <Shell title="start.title" protected=true>
            <StartContent/>
        </Shell>
    }
}

#[component]
fn StartContent() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let clients = move || {
        session
            .data
            .with(|data| data.as_ref().map(|data| data.me.clients.clone()))
            .unwrap_or_default()
    };
    let care_team = move || {
        session
            .data
            .with(|data| data.as_ref().map(|data| data.me.care_team.clone()))
            .unwrap_or_default()
    };
    move || {
        let clients = clients();
        let team = care_team();
        match (clients.len(), session.current_client.get()) {
            (0, _) if !team.is_empty() => view! { <CareTeamStart clients=team/> }.into_any(),
            (0, _) => view! {
                <div class="page-text">
                    <h1>{i18n.tr("start.title")}</h1>
                    <p>{i18n.tr("start.no_clients")}</p>
                </div>
            }
            .into_any(),
            (_, None) => view! {
                <div class="page-text">
                    <h1>{i18n.tr("start.choose_client")}</h1>
                    <p>{i18n.tr("start.choose_intro")}</p>
                    <ClientList clients=clients on_choose=Callback::new(|_| ())/>
                </div>
            }
            .into_any(),
            (_, Some(client_id)) => view! { <Home client_id=client_id/> }.into_any(),
        }
    }
}

/// A care worker's start: their messages and absence (the staff bundle's pages, hence a full
/// load), and the clients of their care team, each opening its agenda.
#[component]
fn CareTeamStart(clients: Vec<kring_shared::me::ClientSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    view! {
        <div class="page-text">
            <h1>{i18n.tr("start.care_team")}</h1>
            <p class="care-start-links">
                <a class="button-primary" href="/zorg" rel="external">{i18n.tr("care.start.messages")}</a>
                <a class="button-secondary" href="/zorg/afwezig" rel="external">{i18n.tr("care.start.absence")}</a>
            </p>
            <p>{i18n.tr("start.care_team_intro")}</p>
            <ul class="client-list">
                {clients.into_iter().map(|client| {
                    let id = client.id;
                    let name = full_name(&client);
                    let navigate = navigate.clone();
                    view! {
                        <li>
                            <button type="button" class="client-choice"
                                on:click=move |_| {
                                    session.current_client.set(Some(id));
                                    navigate("/agenda", Default::default());
                                }>
                                <Avatar client=client.clone() small=true/>
                                <span>{name}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Buttons, one per client; choosing sets the current client.
#[component]
fn ClientList(clients: Vec<ClientMembership>, on_choose: Callback<Uuid>) -> impl IntoView {
    let session = use_session();
    view! {
        <ul class="client-list">
            {clients
                .into_iter()
                .map(|membership| {
                    let id = membership.client.id;
                    let name = full_name(&membership.client);
                    view! {
                        <li>
                            <button
                                type="button"
                                class="client-choice"
                                on:click=move |_| {
                                    session.current_client.set(Some(id));
                                    on_choose.run(id);
                                }
                            >
                                <Avatar client=membership.client.clone() small=true/>
                                <span>{name}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn Home(client_id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    // The Dossier, Agenda, Berichten and Gegevens panels follow their part live.
    let holds = |permission| {
        session
            .current_membership()
            .is_some_and(|membership| membership.permissions.contains(&permission))
    };
    let names: Vec<&'static str> = [
        (kring_shared::Permission::Dossier, "dossier"),
        (kring_shared::Permission::Agenda, "agenda"),
        (kring_shared::Permission::Details, "pinboard"),
        (kring_shared::Permission::Messages, "messages"),
    ]
    .into_iter()
    .filter(|(permission, _)| holds(*permission))
    .map(|(_, name)| name)
    .collect();
    let version = (!names.is_empty()).then(|| use_live(client_id, &names));
    let home = LocalResource::new(move || {
        if let Some(version) = version {
            version.track();
        }
        let api = session.api();
        async move {
            match api {
                Some(api) => api.home(client_id).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    // An expired or revoked session sends the user back to the login page.
    Effect::new(move || {
        if let Some(Err(failure)) = home.get()
            && failure.code() == Some(kring_shared::ErrorCode::AuthenticationRequired)
        {
            session.sign_out();
            navigate("/inloggen?terug=/start", Default::default());
        }
    });
    // Transition: a live reload keeps the screen in place instead of flashing "loading".
    view! {
        <Transition fallback=move || view! { <p class="loading">{i18n.tr("start.loading")}</p> }>
            {move || home.get().map(|result| match result {
                Ok(view) => view! { <HomeScreen home=view/> }.into_any(),
                Err(failure) => view! {
                    <p class="form-error" role="alert">{move || i18n.t(failure.message_key())}</p>
                }
                .into_any(),
            })}
        </Transition>
    }
}

#[component]
fn HomeScreen(home: HomeView) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let chooser = NodeRef::<html::Dialog>::new();
    let name = full_name(&home.client);
    let several = session
        .data
        .with_untracked(|data| data.as_ref().map(|data| data.me.clients.len() > 1))
        .unwrap_or(false);
    let only_photo = home.panels.is_empty();
    let manages = session.current_membership().is_some_and(|membership| {
        membership
            .permissions
            .contains(&kring_shared::Permission::Settings)
    });
    let data_rights = session
        .current_membership()
        .is_some_and(|membership| holds_data_rights(&membership));
    let clients = session
        .data
        .with_untracked(|data| data.as_ref().map(|data| data.me.clients.clone()))
        .unwrap_or_default();
    let heading_name = name.clone();
    let notice_name = name.clone();
    let photo_name = name.clone();
    let client = home.client.clone();
    let discharged = home.client.discharged_on;

    let photo = if several {
        view! {
            <button
                type="button"
                class="client-photo client-photo-switch"
                aria-label=move || i18n.t_with("start.switch_client", &photo_name)
                on:click=move |_| {
                    if let Some(dialog) = chooser.get() {
                        let _ = dialog.show_modal();
                    }
                }
            >
                <Avatar client=client.clone()/>
                <span class="client-name">{name.clone()}</span>
            </button>
        }
        .into_any()
    } else {
        view! {
            <div class="client-photo">
                <Avatar client=client.clone()/>
                <span class="client-name">{name.clone()}</span>
            </div>
        }
        .into_any()
    };

    view! {
        <h1 class="visually-hidden">{move || format!("{} – {}", i18n.t("start.title"), heading_name)}</h1>
        {discharged.map(|date| {
            let name = notice_name.clone();
            view! {
                <p class="banner" role="status">
                    {move || i18n.t_args("start.discharged", &[("name", &name), ("date", &long_date(i18n.language.get(), date))])}
                </p>
            }
        })}
        <div class="home" class:home-only-photo=only_photo>
            <div class="home-photo">{photo}</div>
            {home.panels.into_iter().map(|panel| view! { <PanelCard panel=panel/> }).collect_view()}
        </div>
        {only_photo.then(|| view! {
            <p class="notice">{move || i18n.t_with("start.only_photo", &notice_name)}</p>
        })}
        {(manages || data_rights).then(|| view! {
            <p class="below-panels start-links">
                {manages.then(|| view! {
                    <a class="button-secondary" href="/gebruikersbeheer">{i18n.tr("start.user_management")}</a>
                })}
                {data_rights.then(|| view! {
                    <a class="button-secondary" href="/download" rel="external">{i18n.tr("nav.download")}</a>
                    <a class="button-secondary" href="/bekeken" rel="external">{i18n.tr("nav.viewed")}</a>
                })}
            </p>
        })}
        {several.then(|| view! {
            <dialog node_ref=chooser class="dialog" aria-labelledby="choose-client-title">
                <h2 id="choose-client-title">{i18n.tr("start.choose_client")}</h2>
                <ClientList
                    clients=clients.clone()
                    on_choose=Callback::new(move |_| {
                        if let Some(dialog) = chooser.get_untracked() {
                            dialog.close();
                        }
                    })
                />
                <div class="dialog-actions">
                    <button
                        type="button"
                        class="button-secondary"
                        on:click=move |_| {
                            if let Some(dialog) = chooser.get_untracked() {
                                dialog.close();
                            }
                        }
                    >
                        {i18n.tr("start.close")}
                    </button>
                </div>
            </dialog>
        })}
    }
}

#[component]
fn PanelCard(panel: Panel) -> impl IntoView {
    let i18n = use_i18n();
    let kind = panel.kind.as_str();
    let heading_id = format!("panel-{kind}-title");
    let body = match (panel.status, panel.items.is_empty()) {
        (PanelStatus::NotYetAvailable, _) => view! {
            <p class="panel-note">{i18n.tr("panel.not_yet_available")}</p>
        }
        .into_any(),
        (PanelStatus::Ready, _) if panel.kind == PanelKind::Agenda => {
            view! { <AgendaPanel appointments=panel.appointments/> }.into_any()
        }
        (PanelStatus::Ready, _) if panel.kind == PanelKind::Details => {
            view! { <DetailsPanel post=panel.latest_post/> }.into_any()
        }
        (PanelStatus::Ready, _) if panel.kind == PanelKind::Messages => {
            view! { <MessagesPanel latest=panel.latest_message/> }.into_any()
        }
        (PanelStatus::Ready, true) => view! {
            <p class="panel-note">{i18n.tr("panel.empty")}</p>
        }
        .into_any(),
        (PanelStatus::Ready, false) => view! {
            <ul class="panel-items">
                {panel.items.into_iter().map(|item| view! {
                    <li>
                        <span class="panel-item-title">{item.title}</span>
                        {item.subtitle.map(|subtitle| view! { <span class="panel-item-sub">{subtitle}</span> })}
                        {item.at.map(|at| view! { <span class="panel-item-sub">{move || date_time(i18n.language.get(), at)}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any(),
    };
    let links: &[(&'static str, &'static str)] = match panel.kind {
        PanelKind::Dossier => &[("/dossier", "dossier.open")],
        PanelKind::Agenda => &[("/agenda", "agenda.open")],
        PanelKind::Messages => &[("/berichten", "messages.open")],
        PanelKind::Details => &[
            ("/gegevens/prikbord", "pinboard.open"),
            ("/gegevens", "details.open"),
        ],
    };
    let open = (panel.status == PanelStatus::Ready && !links.is_empty()).then(|| {
        view! {
            <p class="panel-link">
                {links.iter().map(|&(href, label)| view! {
                    <a class="button-secondary" href=href>{i18n.tr(label)}</a>
                }).collect_view()}
            </p>
        }
    });
    let labelled_by = heading_id.clone();
    view! {
        <section class=format!("panel panel-{kind}") aria-labelledby=labelled_by data-panel=kind>
            <h2 id=heading_id>{move || i18n.t(panel_title(panel.kind))}</h2>
            {body}
            {open}
        </section>
    }
}

/// The Agenda panel: the next appointment large (day, month, from–to, what, the care worker
/// with photo), then the three after it.
#[component]
fn AgendaPanel(appointments: Vec<kring_shared::agenda::AgendaItem>) -> impl IntoView {
    use crate::components::{date_in, day_name};
    use crate::pages::agenda::{PersonLine, when};
    let i18n = use_i18n();
    let any_care = appointments
        .iter()
        .any(|item| item.source == kring_shared::agenda::AppointmentSource::Care);
    let private_tag = |item: &kring_shared::agenda::AgendaItem| {
        (item.visibility == Some(kring_shared::agenda::Visibility::Private))
            .then(|| view! { <span class="tag">{i18n.tr("agenda.tag.private")}</span> })
    };
    let mut rest = appointments.into_iter();
    let Some(next) = rest.next() else {
        return view! { <p class="panel-note">{i18n.tr("agenda.none_coming")}</p> }.into_any();
    };
    let day = next.local_start.date();
    let title = next.title.clone();
    let next_private = private_tag(&next);
    let moment = when(i18n, &next);
    view! {
        <div class="next-appt">
            <p class="next-appt-date" aria-hidden="true">
                <span class="next-appt-day">{chrono::Datelike::day(&day).to_string()}</span>
                <span class="next-appt-month">{move || date_in(i18n.language.get(), day, &[("month", "short")])}</span>
            </p>
            <div>
                <p class="visually-hidden">{move || day_name(i18n.language.get(), day)}</p>
                <p class="appt-time">{moment}</p>
                <p class="panel-item-title">
                    {move || title.clone().unwrap_or_else(|| i18n.t("agenda.busy").to_owned())}
                    {next_private}
                </p>
                {next.description.map(|text| view! { <p class="panel-item-sub">{text}</p> })}
                {next.care_worker.map(|person| view! { <PersonLine person=person/> })}
            </div>
        </div>
        <ul class="panel-items">
            {rest.map(|item| {
                let day = item.local_start.date();
                let moment = when(i18n, &item);
                let title = item.title.clone();
                let private = private_tag(&item);
                view! {
                    <li>
                        <span class="panel-item-title">
                            {move || title.clone().unwrap_or_else(|| i18n.t("agenda.busy").to_owned())}
                            {private}
                        </span>
                        <span class="panel-item-sub">{move || format!("{}, {}", day_name(i18n.language.get(), day), moment)}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
        {any_care.then(|| view! { <p class="panel-note hint">{i18n.tr("agenda.care_note_short")}</p> })}
    }
    .into_any()
}

/// The Gegevens panel: the latest pinboard post (who, when, the mood, the start of the text,
/// the first photo), or that there is none yet.
#[component]
fn DetailsPanel(post: Option<kring_shared::pinboard::LatestPost>) -> impl IntoView {
    use crate::components::photo::AuthImage;
    use crate::pages::details::pinboard::MoodLine;
    let i18n = use_i18n();
    let Some(post) = post else {
        return view! { <p class="panel-note">{i18n.tr("pinboard.empty")}</p> }.into_any();
    };
    let author = format!("{} {}", post.author.first_name, post.author.last_name);
    let created = post.created_at;
    let photo_author = author.clone();
    let photo = post.thumbnail_url.map(|url| {
        view! {
            <AuthImage src=url class="latest-post-photo"
                alt=Signal::derive(move || i18n.t_with("pinboard.latest_photo_alt", &photo_author))/>
        }
    });
    let more_photos = post.photo_count.saturating_sub(1);
    view! {
        <div class="latest-post">
            <p class="panel-item-sub">{i18n.tr("pinboard.latest")}</p>
            <p class="panel-item-title">{author}</p>
            <p class="panel-item-sub">
                <time datetime=created.to_rfc3339()>{move || date_time(i18n.language.get(), created)}</time>
            </p>
            {post.mood.map(|mood| view! { <MoodLine mood/> })}
            {(!post.text.is_empty()).then(|| view! { <p class="latest-post-text">{short_text(&post.text)}</p> })}
            {photo.map(|photo| view! {
                <div class="latest-post-photos">
                    {photo}
                    {(more_photos > 0).then(|| view! {
                        <span class="tag">{move || i18n.t_count("pinboard.more_photos", u64::from(more_photos))}</span>
                    })}
                </div>
            })}
        </div>
    }
    .into_any()
}

/// The Berichten panel: how many messages are unread, and the latest message (who, the
/// subject, the start of the text, when), or that there is none yet.
#[component]
fn MessagesPanel(latest: Option<kring_shared::messages::LatestMessage>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(latest) = latest else {
        return view! { <p class="panel-note">{i18n.tr("messages.panel_empty")}</p> }.into_any();
    };
    let unread = latest.unread;
    let author = format!("{} {}", latest.author.first_name, latest.author.last_name);
    let sent = latest.sent_at;
    view! {
        <div class="latest-post latest-message">
            {(unread > 0).then(|| view! {
                <p class="latest-unread">
                    <span class="badge">{move || i18n.t_count("messages.panel_unread", u64::from(unread))}</span>
                </p>
            })}
            <p class="panel-item-sub">{i18n.tr("messages.latest")}</p>
            <p class="panel-item-title">{latest.subject}</p>
            <p class="panel-item-sub">
                {author} ", "
                <time datetime=sent.to_rfc3339()>{move || date_time(i18n.language.get(), sent)}</time>
            </p>
            {(!latest.preview.is_empty()).then(|| view! { <p class="latest-post-text">{short_text(&latest.preview)}</p> })}
        </div>
    }
    .into_any()
}

/// The start of a text for a panel: at most 140 characters, cut at a word.
fn short_text(text: &str) -> String {
    const MOST: usize = 140;
    if text.chars().count() <= MOST {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MOST).collect();
    let at_word = cut
        .rfind(char::is_whitespace)
        .map_or(cut.as_str(), |end| &cut[..end]);
    format!("{}…", at_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::short_text;

    #[test]
    fn a_long_text_is_cut_at_a_word() {
        assert_eq!(short_text("Korte tekst"), "Korte tekst");
        let long = "woord ".repeat(40);
        let short = short_text(&long);
        assert!(short.ends_with("woord…"));
        assert!(short.chars().count() <= 141);
    }
}
