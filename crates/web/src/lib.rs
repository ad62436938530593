//! Kring's single-page app: Leptos, rendered in the browser, talking to the API through
//! `api.rs`. Dutch by default, English second.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod session;

use kring_shared::messages::InboxBox;
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};
use wasm_bindgen::JsCast;

use crate::{
    i18n::I18n,
    pages::{
        admin::{AdminPage, Section},
        agenda::{
            AgendaPage,
            form::{ChangeAppointmentPage, NewAppointmentPage},
        },
        care::{CarePage, CareSection},
        client_data::{download::DownloadPage, viewed::ViewedPage},
        details::{self, DetailsPage},
        dossier::{DossierEntryPage, DossierPage, Tab},
        forgot_password::ForgotPasswordPage,
        login::LoginPage,
        messages::{ConversationPage, MessagesPage, NewMessagePage},
        not_found::NotFoundPage,
        notifications::NotificationsPage,
        profile::ProfilePage,
        reset_password::ResetPasswordPage,
        start::StartPage,
        user_management::UserManagementPage,
    },
    session::Session,
};

/// Starts a bundle: the panic hook, the loading screen of index.html replaced by `app`.
pub fn boot<F, V>(app: F)
where
    F: FnOnce() -> V + 'static,
    V: IntoView + 'static,
{
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async move {
        // Someone who chose English gets it from the first paint (a failed fetch: Dutch).
        i18n::load(i18n::stored_language()).await;
        if let Some(loading) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id("loading"))
        {
            loading.remove();
        }
        leptos::mount::mount_to_body(app);
    });
}

/// The contexts every page of either bundle needs: language, session, the organisation's
/// colour, and activity that keeps an idle session alive.
fn provide_app_contexts() {
    provide_context(I18n::new());
    let session = Session::new();
    provide_context(session);
    session::resume(session);
    // The organisation's colour (checked for contrast by the server) becomes the brand colour.
    Effect::new(move || {
        let colour = session.data.with(|data| {
            data.as_ref()
                .map(|data| data.me.organisation.primary_colour.clone())
        });
        // Through the CSSOM: the Content Security Policy forbids style attributes.
        if let Some(root) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element())
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let style = root.style();
            let _ = match colour {
                Some(colour) => style.set_property("--brand", &colour),
                None => style.remove_property("--brand").map(|_| ()),
            };
        }
    });
    let _ = window_event_listener(leptos::ev::pointerdown, move |_| session.touch());
    let _ = window_event_listener(leptos::ev::keydown, move |_| session.touch());
}

/// Loads the page at the current address from the server, which answers with the other
/// bundle: the family portal and the staff tools are two wasm files (see README).
#[component]
fn OtherBundle() -> impl IntoView {
    // The router's address, not the window's: when a link is followed, this runs before the
    // window's address changes, and reloading would bring back the page the link was on.
    // (Links that are known to lead to the other bundle say `rel="external"`, so the browser
    // loads them itself and Back works as usual.)
    let location = leptos_router::hooks::use_location();
    let mut target = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    if !search.is_empty() {
        target.push('?');
        target.push_str(&search);
    }
    let hash = location.hash.get_untracked();
    if !hash.is_empty() {
        if !hash.starts_with('#') {
            target.push('#');
        }
        target.push_str(&hash);
    }
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(&target);
    }
}

/// The family portal: every page but the staff tools, whose code this bundle does not contain.
#[component]
pub fn FamilyApp() -> impl IntoView {
    provide_app_contexts();
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=StartPage/>
                <Route path=path!("/start") view=StartPage/>
                <Route path=path!("/inloggen") view=LoginPage/>
                <Route path=path!("/wachtwoord-vergeten") view=ForgotPasswordPage/>
                <Route path=path!("/wachtwoord-herstellen") view=ResetPasswordPage/>
                <Route path=path!("/meldingen") view=NotificationsPage/>
                <Route path=path!("/profiel") view=ProfilePage/>
                <Route path=path!("/beheer") view=OtherBundle/>
                <Route path=path!("/beheer/*any") view=OtherBundle/>
                <Route path=path!("/zorg") view=OtherBundle/>
                <Route path=path!("/zorg/*any") view=OtherBundle/>
                <Route path=path!("/gebruikersbeheer") view=UserManagementPage/>
                <Route path=path!("/download") view=OtherBundle/>
                <Route path=path!("/bekeken") view=OtherBundle/>
                <Route path=path!("/dossier") view=|| view! { <DossierPage tab=Tab::Timeline/> }/>
                <Route path=path!("/dossier/lezen") view=|| view! { <DossierPage tab=Tab::Read/> }/>
                <Route path=path!("/dossier/schrijven") view=|| view! { <DossierPage tab=Tab::Write/> }/>
                <Route path=path!("/dossier/plannen") view=|| view! { <DossierPage tab=Tab::Plans/> }/>
                <Route path=path!("/dossier/items/:id") view=DossierEntryPage/>
                <Route path=path!("/berichten") view=|| view! { <MessagesPage/> }/>
                <Route path=path!("/berichten/archief") view=|| view! { <MessagesPage archived=true/> }/>
                <Route path=path!("/berichten/nieuw") view=NewMessagePage/>
                <Route path=path!("/berichten/:id") view=ConversationPage/>
                <Route path=path!("/agenda") view=AgendaPage/>
                <Route path=path!("/agenda/nieuw") view=NewAppointmentPage/>
                <Route path=path!("/agenda/wijzigen/:id") view=ChangeAppointmentPage/>
                <Route path=path!("/gegevens") view=|| view! { <DetailsPage tab=details::Tab::Client/> }/>
                <Route path=path!("/gegevens/prikbord") view=|| view! { <DetailsPage tab=details::Tab::Pinboard/> }/>
                <Route path=path!("/gegevens/contactpersonen") view=|| view! { <DetailsPage tab=details::Tab::Contacts/> }/>
                <Route path=path!("/gegevens/zorgteam") view=|| view! { <DetailsPage tab=details::Tab::CareTeam/> }/>
                <Route path=path!("/gegevens/huisarts-apotheek") view=|| view! { <DetailsPage tab=details::Tab::Practitioners/> }/>
                <Route path=path!("/gegevens/verzekeringen") view=|| view! { <DetailsPage tab=details::Tab::Insurance/> }/>
            </Routes>
        </Router>
    }
}

/// An address the staff tools do not know: under `/beheer` and `/zorg` a not-found page (asking
/// the server again would only bring this bundle back), elsewhere the family portal's page.
#[component]
fn StaffFallback() -> impl IntoView {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let staff = ["/beheer", "/zorg", "/download", "/bekeken"]
        .iter()
        .any(|root| path == *root || path.starts_with(&format!("{root}/")));
    if staff {
        view! { <NotFoundPage/> }.into_any()
    } else {
        view! { <OtherBundle/> }.into_any()
    }
}

/// The staff tools (*Beheer*, and *Zorg*: the care worker's inbox), loaded only when a staff
/// member opens them; any other page is the family portal's.
#[component]
pub fn StaffApp() -> impl IntoView {
    provide_app_contexts();
    view! {
        <Router>
            <Routes fallback=StaffFallback>
                <Route path=path!("/beheer") view=|| view! { <AdminPage section=Section::Portals/> }/>
                <Route path=path!("/beheer/zorgverleners") view=|| view! { <AdminPage section=Section::CareWorkers/> }/>
                <Route path=path!("/beheer/instellingen") view=|| view! { <AdminPage section=Section::Settings/> }/>
                <Route path=path!("/beheer/koppelingen") view=|| view! { <AdminPage section=Section::Integrations/> }/>
                <Route path=path!("/beheer/gebruikers") view=|| view! { <AdminPage section=Section::Users/> }/>
                <Route path=path!("/beheer/e-mail") view=|| view! { <AdminPage section=Section::Mail/> }/>
                <Route path=path!("/beheer/logboek") view=|| view! { <AdminPage section=Section::AuditLog/> }/>
                <Route path=path!("/zorg") view=|| view! { <CarePage section=CareSection::Inbox(InboxBox::Personal)/> }/>
                <Route path=path!("/zorg/team") view=|| view! { <CarePage section=CareSection::Inbox(InboxBox::Team)/> }/>
                <Route path=path!("/zorg/gesprek/:client_id/:id") view=|| view! { <CarePage section=CareSection::Conversation/> }/>
                <Route path=path!("/zorg/afwezig") view=|| view! { <CarePage section=CareSection::Absence/> }/>
                // The client's data rights: opened now and then, so off the family's first load.
                <Route path=path!("/download") view=DownloadPage/>
                <Route path=path!("/bekeken") view=ViewedPage/>
            </Routes>
        </Router>
    }
}
