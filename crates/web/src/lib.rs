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

use crate::{
    i18n::I18n,
    pages::{
        login::LoginPage, not_found::NotFoundPage, notifications::NotificationsPage,
        profile::ProfilePage, start::StartPage,
    },
    session::Session,
};

/// The application root: contexts and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_context(I18n::new());
    provide_context(Session::new());
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=StartPage/>
                <Route path=path!("/start") view=StartPage/>
                <Route path=path!("/inloggen") view=LoginPage/>
                <Route path=path!("/meldingen") view=NotificationsPage/>
                <Route path=path!("/profiel") view=ProfilePage/>
            </Routes>
        </Router>
    }
}
