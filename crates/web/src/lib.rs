//! Kring's single-page app: Leptos, rendered in the browser, talking to the API through
//! `api.rs`. Dutch by default, English second.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod session;

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};
use wasm_bindgen::JsCast;

use crate::{
    i18n::I18n,
    pages::{
        admin::AdminPage,
        dossier::{DossierEntryPage, DossierPage, Tab},
        forgot_password::ForgotPasswordPage,
        login::LoginPage,
        not_found::NotFoundPage,
        notifications::NotificationsPage,
        profile::ProfilePage,
        reset_password::ResetPasswordPage,
        start::StartPage,
        user_management::UserManagementPage,
    },
    session::Session,
};

/// The application root: contexts and routes.
#[component]
pub fn App() -> impl IntoView {
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
                <Route path=path!("/beheer") view=AdminPage/>
                <Route path=path!("/gebruikersbeheer") view=UserManagementPage/>
                <Route path=path!("/dossier") view=|| view! { <DossierPage tab=Tab::Timeline/> }/>
                <Route path=path!("/dossier/lezen") view=|| view! { <DossierPage tab=Tab::Read/> }/>
                <Route path=path!("/dossier/schrijven") view=|| view! { <DossierPage tab=Tab::Write/> }/>
                <Route path=path!("/dossier/plannen") view=|| view! { <DossierPage tab=Tab::Plans/> }/>
                <Route path=path!("/dossier/items/:id") view=DossierEntryPage/>
            </Routes>
        </Router>
    }
}
