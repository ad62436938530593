//! Kring's single-page app: Leptos, rendered in the browser, talking to the API through
//! `api.rs`. Dutch by default, English second.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod session;

use kring_shared::messages::InboxBox;
use leptos::{prelude::*, wasm_split::SplitLoaderError};
use leptos_router::{
    Lazy, LazyRoute,
    components::{Route, Router, Routes},
    path,
};
use wasm_bindgen::JsCast;

use crate::{
    api::ApiFailure,
    components::{failure::LoadFailure, shell::Shell},
    i18n::{I18n, use_i18n},
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

/// Starts a bundle: the panic hook, then `app` (the loading screen of index.html stays until
/// the first page is drawn).
pub fn boot<F, V>(app: F)
where
    F: FnOnce() -> V + 'static,
    V: IntoView + 'static,
{
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async move {
        // Someone who chose English gets it from the first paint (a failed fetch: Dutch).
        i18n::load(i18n::stored_language()).await;
        // The loading screen stays until the first page is drawn (`Shell` removes it): a
        // family page's area may still be on its way.
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

/// The family pages loaded on first use: the code of each area (Start, Dossier, Berichten,
/// Agenda, Gegevens, the account pages) is cut off the first download by wasm-split
/// (`scripts/build-web`, see README) and fetched, with what it shares with the other areas,
/// the first time one of its pages opens. One split function per area, so an area is one file
/// and its pages share it. The address changes at once; the page follows when its area has
/// arrived (until then the page that was open stays, or on a first visit the loading screen).
#[derive(Clone, Copy)]
#[repr(u8)]
enum LazyPage {
    Start,
    Notifications,
    Profile,
    UserManagement,
    DossierTimeline,
    DossierRead,
    DossierWrite,
    DossierPlans,
    DossierEntry,
    Messages,
    MessagesArchive,
    NewMessage,
    Conversation,
    Agenda,
    NewAppointment,
    ChangeAppointment,
    DetailsClient,
    Pinboard,
    DetailsContacts,
    DetailsCareTeam,
    DetailsPractitioners,
    DetailsInsurance,
}

/// Declares the area functions: each is cut into a file of its own by wasm-split, fetched the
/// first time it is called. `fallible`: a failed fetch (a phone that lost its connection) is an
/// `Err`, not a panic that would stop the whole app; the next call fetches again.
macro_rules! lazy_areas {
    ($($area:ident($page:ident) $body:block)*) => {$(
        #[leptos::wasm_split::wasm_split($area, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $area($page: LazyPage) -> Result<AnyView, SplitLoaderError> {
            // Untracked, as a component's body is: the router builds this view inside a
            // reactive scope, and a signal the page reads while it is built (the session's
            // last activity, touched by every tap) would otherwise build the page again.
            Ok(untrack(move || $body))
        }
    )*};
}

lazy_areas! {
    start_area(_page) {
        view! { <StartPage/> }.into_any()
    }
    account_area(page) {
        match page {
            LazyPage::Notifications => view! { <NotificationsPage/> }.into_any(),
            LazyPage::UserManagement => view! { <UserManagementPage/> }.into_any(),
            _ => view! { <ProfilePage/> }.into_any(),
        }
    }
    dossier_area(page) {
        match page {
            LazyPage::DossierEntry => view! { <DossierEntryPage/> }.into_any(),
            LazyPage::DossierRead => view! { <DossierPage tab=Tab::Read/> }.into_any(),
            LazyPage::DossierWrite => view! { <DossierPage tab=Tab::Write/> }.into_any(),
            LazyPage::DossierPlans => view! { <DossierPage tab=Tab::Plans/> }.into_any(),
            _ => view! { <DossierPage tab=Tab::Timeline/> }.into_any(),
        }
    }
    messages_area(page) {
        match page {
            LazyPage::MessagesArchive => view! { <MessagesPage archived=true/> }.into_any(),
            LazyPage::NewMessage => view! { <NewMessagePage/> }.into_any(),
            LazyPage::Conversation => view! { <ConversationPage/> }.into_any(),
            _ => view! { <MessagesPage/> }.into_any(),
        }
    }
    agenda_area(page) {
        match page {
            LazyPage::NewAppointment => view! { <NewAppointmentPage/> }.into_any(),
            LazyPage::ChangeAppointment => view! { <ChangeAppointmentPage/> }.into_any(),
            _ => view! { <AgendaPage/> }.into_any(),
        }
    }
    details_area(page) {
        let tab = match page {
            LazyPage::Pinboard => details::Tab::Pinboard,
            LazyPage::DetailsContacts => details::Tab::Contacts,
            LazyPage::DetailsCareTeam => details::Tab::CareTeam,
            LazyPage::DetailsPractitioners => details::Tab::Practitioners,
            LazyPage::DetailsInsurance => details::Tab::Insurance,
            _ => details::Tab::Client,
        };
        view! { <DetailsPage tab/> }.into_any()
    }
}

/// The page, once its area is loaded.
async fn load_page(page: LazyPage) -> Result<AnyView, SplitLoaderError> {
    use LazyPage::*;
    match page {
        Start => start_area(page).await,
        Notifications | Profile | UserManagement => account_area(page).await,
        DossierTimeline | DossierRead | DossierWrite | DossierPlans | DossierEntry => {
            dossier_area(page).await
        }
        Messages | MessagesArchive | NewMessage | Conversation => messages_area(page).await,
        Agenda | NewAppointment | ChangeAppointment => agenda_area(page).await,
        DetailsClient | Pinboard | DetailsContacts | DetailsCareTeam | DetailsPractitioners
        | DetailsInsurance => details_area(page).await,
    }
}

/// While an area is on its way the address is already the new page's, but the old page is
/// still on screen: it is made inert (no tap or key reaches it, `aria-busy` for screen
/// readers), so nobody acts in a page they have just left.
struct Leaving;

thread_local! {
    static AREAS_ON_THEIR_WAY: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

impl Leaving {
    fn start() -> Leaving {
        let before = AREAS_ON_THEIR_WAY.with(|count| count.replace(count.get() + 1));
        if before == 0 {
            set_page_inert(true);
        }
        Leaving
    }
}

impl Drop for Leaving {
    fn drop(&mut self) {
        let after = AREAS_ON_THEIR_WAY.with(|count| {
            count.set(count.get().saturating_sub(1));
            count.get()
        });
        if after == 0 {
            set_page_inert(false);
        }
    }
}

fn set_page_inert(inert: bool) {
    let Some(body) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.body())
    else {
        return;
    };
    let _ = if inert {
        body.set_attribute("inert", "")
            .and_then(|()| body.set_attribute("aria-busy", "true"))
    } else {
        body.remove_attribute("inert")
            .and_then(|()| body.remove_attribute("aria-busy"))
    };
}

/// The page, or — when its area could not be fetched — the connection message with
/// "Opnieuw proberen", which fetches it again in place. Every lazy page needs a session: on a
/// device where nobody signed in, the session is checked first, and a signed-out visitor goes
/// to the login page without fetching the page's code. Elsewhere the code is fetched while the
/// session is resumed, and the page itself sends a signed-out visitor to the login page.
async fn page_view(page: LazyPage, session: Session) -> AnyView {
    if !session::signed_in_before() {
        session.resumed().await;
        if session.data.with_untracked(Option::is_none) {
            // The frame's own way to the login page, which brings the visitor back here.
            return view! { <Shell title="login.title" protected=true>""</Shell> }.into_any();
        }
    }
    let _leaving = Leaving::start();
    match load_page(page).await {
        Ok(view) => view,
        Err(_) => view! { <PageUnavailable page/> }.into_any(),
    }
}

#[component]
fn PageUnavailable(page: LazyPage) -> impl IntoView {
    let attempt = RwSignal::new(0_u32);
    let failure = move || {
        view! {
            <Shell title="error.page_unavailable">
                <h1>{use_i18n().tr("error.page_unavailable")}</h1>
                <LoadFailure
                    failure=ApiFailure::Network
                    retry=move |_| attempt.update(|attempt| *attempt += 1)
                />
            </Shell>
        }
        .into_any()
    };
    // Always a `Suspend`, so the message stays on screen while a new attempt runs.
    move || {
        let attempt = attempt.get();
        Suspend::new(async move {
            if attempt == 0 {
                return failure();
            }
            match load_page(page).await {
                Ok(view) => view,
                Err(_) => {
                    // If the server answers, the file is gone: Kring was updated while this
                    // tab was open. The new version has the page (the address is already its).
                    leptos::task::spawn_local(async {
                        if api::server_reachable().await
                            && let Some(window) = web_sys::window()
                        {
                            let _ = window.location().reload();
                        }
                    });
                    failure()
                }
            }
        })
    }
}

/// A route to one lazy page: the router fetches its area, then shows it.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route(Session);

        impl LazyRoute for $route {
            fn data() -> Self {
                $route(session::use_session())
            }

            async fn view(this: Self) -> AnyView {
                page_view(LazyPage::$page, this.0).await
            }
        }
    )*};
}

lazy_page! {
    StartRoute => Start,
    NotificationsRoute => Notifications,
    ProfileRoute => Profile,
    UserManagementRoute => UserManagement,
    DossierTimelineRoute => DossierTimeline,
    DossierReadRoute => DossierRead,
    DossierWriteRoute => DossierWrite,
    DossierPlansRoute => DossierPlans,
    DossierEntryRoute => DossierEntry,
    MessagesRoute => Messages,
    MessagesArchiveRoute => MessagesArchive,
    NewMessageRoute => NewMessage,
    ConversationRoute => Conversation,
    AgendaRoute => Agenda,
    NewAppointmentRoute => NewAppointment,
    ChangeAppointmentRoute => ChangeAppointment,
    DetailsClientRoute => DetailsClient,
    PinboardRoute => Pinboard,
    DetailsContactsRoute => DetailsContacts,
    DetailsCareTeamRoute => DetailsCareTeam,
    DetailsPractitionersRoute => DetailsPractitioners,
    DetailsInsuranceRoute => DetailsInsurance,
}

/// The family portal: every page but the staff tools, whose code this bundle does not contain.
#[component]
pub fn FamilyApp() -> impl IntoView {
    provide_app_contexts();
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view={Lazy::<StartRoute>::new()}/>
                <Route path=path!("/start") view={Lazy::<StartRoute>::new()}/>
                <Route path=path!("/inloggen") view=LoginPage/>
                <Route path=path!("/wachtwoord-vergeten") view=ForgotPasswordPage/>
                <Route path=path!("/wachtwoord-herstellen") view=ResetPasswordPage/>
                <Route path=path!("/meldingen") view={Lazy::<NotificationsRoute>::new()}/>
                <Route path=path!("/profiel") view={Lazy::<ProfileRoute>::new()}/>
                <Route path=path!("/beheer") view=OtherBundle/>
                <Route path=path!("/beheer/*any") view=OtherBundle/>
                <Route path=path!("/zorg") view=OtherBundle/>
                <Route path=path!("/zorg/*any") view=OtherBundle/>
                <Route path=path!("/gebruikersbeheer") view={Lazy::<UserManagementRoute>::new()}/>
                <Route path=path!("/download") view=OtherBundle/>
                <Route path=path!("/bekeken") view=OtherBundle/>
                <Route path=path!("/dossier") view={Lazy::<DossierTimelineRoute>::new()}/>
                <Route path=path!("/dossier/lezen") view={Lazy::<DossierReadRoute>::new()}/>
                <Route path=path!("/dossier/schrijven") view={Lazy::<DossierWriteRoute>::new()}/>
                <Route path=path!("/dossier/plannen") view={Lazy::<DossierPlansRoute>::new()}/>
                <Route path=path!("/dossier/items/:id") view={Lazy::<DossierEntryRoute>::new()}/>
                <Route path=path!("/berichten") view={Lazy::<MessagesRoute>::new()}/>
                <Route path=path!("/berichten/archief") view={Lazy::<MessagesArchiveRoute>::new()}/>
                <Route path=path!("/berichten/nieuw") view={Lazy::<NewMessageRoute>::new()}/>
                <Route path=path!("/berichten/:id") view={Lazy::<ConversationRoute>::new()}/>
                <Route path=path!("/agenda") view={Lazy::<AgendaRoute>::new()}/>
                <Route path=path!("/agenda/nieuw") view={Lazy::<NewAppointmentRoute>::new()}/>
                <Route path=path!("/agenda/wijzigen/:id") view={Lazy::<ChangeAppointmentRoute>::new()}/>
                <Route path=path!("/gegevens") view={Lazy::<DetailsClientRoute>::new()}/>
                <Route path=path!("/gegevens/prikbord") view={Lazy::<PinboardRoute>::new()}/>
                <Route path=path!("/gegevens/contactpersonen") view={Lazy::<DetailsContactsRoute>::new()}/>
                <Route path=path!("/gegevens/zorgteam") view={Lazy::<DetailsCareTeamRoute>::new()}/>
                <Route path=path!("/gegevens/huisarts-apotheek") view={Lazy::<DetailsPractitionersRoute>::new()}/>
                <Route path=path!("/gegevens/verzekeringen") view={Lazy::<DetailsInsuranceRoute>::new()}/>
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
