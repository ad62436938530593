//! The signed-in session, kept in memory only (never in localStorage), and the client the user
//! is looking at.

use kring_shared::me::{ClientMembership, Me};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::{Anonymous, ApiFailure, Authenticated};

/// A signed-in user.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionData {
    pub api: Authenticated,
    pub me: Me,
}

/// The session and the chosen client, shared through context.
#[derive(Clone, Copy)]
pub struct Session {
    pub data: RwSignal<Option<SessionData>>,
    pub current_client: RwSignal<Option<Uuid>>,
    /// True while the app checks, after a (re)load, whether the refresh cookie still holds a
    /// session; protected pages wait instead of sending the user to the login page.
    pub resuming: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Session {
        Session {
            data: RwSignal::new(None),
            current_client: RwSignal::new(None),
            resuming: RwSignal::new(false),
        }
    }

    /// Stores a fresh login; a user with exactly one client gets that client at once.
    pub fn sign_in(&self, data: SessionData) {
        let only = match data.me.clients.as_slice() {
            [only] => Some(only.client.id),
            _ => None,
        };
        self.current_client.set(only);
        self.data.set(Some(data));
    }

    /// Forgets everything about the session.
    pub fn sign_out(&self) {
        self.current_client.set(None);
        self.data.set(None);
    }

    /// The membership of the chosen client (reactive).
    pub fn current_membership(&self) -> Option<ClientMembership> {
        let id = self.current_client.get()?;
        self.data.with(|data| {
            data.as_ref()?
                .me
                .clients
                .iter()
                .find(|membership| membership.client.id == id)
                .cloned()
        })
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

/// Picks up the session of the refresh cookie after a page load, so a reload or a deep link
/// does not ask for the password again while the session lives.
pub fn resume(session: Session) {
    session.resuming.set(true);
    leptos::task::spawn_local(async move {
        let resumed = async {
            let api = Anonymous.resume().await?;
            let me = api.me().await?;
            Ok::<SessionData, ApiFailure>(SessionData { api, me })
        }
        .await;
        if let Ok(data) = resumed
            && session.data.with_untracked(Option::is_none)
        {
            session.sign_in(data);
        }
        session.resuming.set(false);
    });
}

/// The session context.
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_default()
}
