//! The signed-in session, kept in memory only (never in localStorage), and the client the user
//! is looking at.

use std::{cell::RefCell, collections::HashMap};

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
    /// True when the session ended because the user was inactive too long (the login page
    /// says so).
    pub ended_by_idle: RwSignal<bool>,
    /// When the user last clicked, tapped or typed (ms since the epoch).
    pub last_activity: RwSignal<f64>,
    /// When the server last heard that the user is active (ms since the epoch).
    last_keep_alive: RwSignal<f64>,
    /// Bumped when notifications change, so the unread badge reloads.
    pub notifications_changed: RwSignal<u32>,
    /// Unsaved input, kept in memory only (never in browser storage), so that a user whom the
    /// idle timeout logged out finds it again after logging in. Dropped at a normal logout and
    /// when someone else logs in.
    drafts: StoredValue<Drafts>,
}

/// Unsaved input per form field, and whose it is.
#[derive(Debug, Default)]
struct Drafts {
    owner: Option<Uuid>,
    /// By the client the form is about (`None`: the user's own account) and the field: a
    /// mentor of two clients never finds one family's draft in the other's form.
    fields: HashMap<(Option<Uuid>, &'static str), String>,
}

impl Session {
    pub fn new() -> Session {
        Session {
            data: RwSignal::new(None),
            current_client: RwSignal::new(None),
            resuming: RwSignal::new(false),
            ended_by_idle: RwSignal::new(false),
            last_activity: RwSignal::new(js_sys::Date::now()),
            last_keep_alive: RwSignal::new(js_sys::Date::now()),
            drafts: StoredValue::new(Drafts::default()),
            notifications_changed: RwSignal::new(0),
        }
    }

    /// Stores a fresh login; a user with exactly one client gets that client at once.
    pub fn sign_in(&self, data: SessionData) {
        self.current_client.set(only_client(&data.me));
        self.ended_by_idle.set(false);
        let user = data.me.user.id;
        self.drafts.update_value(|drafts| {
            if drafts.owner != Some(user) {
                drafts.fields.clear();
            }
            drafts.owner = Some(user);
        });
        self.data.set(Some(data));
        remember_signed_in(true);
        let now = js_sys::Date::now();
        self.last_activity.set(now);
        self.last_keep_alive.set(now);
    }

    /// Fetches `/api/me` again, so every page follows changed clients and permissions.
    pub fn reload_me(&self) {
        let session = *self;
        if let Some(api) = self.api() {
            leptos::task::spawn_local(async move {
                if let Ok(me) = api.me().await {
                    // A client that is gone is no longer chosen; a single one is chosen.
                    let chosen = session.current_client.get_untracked();
                    let still_there = me
                        .clients
                        .iter()
                        .any(|membership| Some(membership.client.id) == chosen);
                    if !still_there {
                        session.current_client.set(only_client(&me));
                    }
                    session.data.update(|data| {
                        if let Some(data) = data {
                            data.me = me;
                        }
                    });
                }
            });
        }
    }

    /// The API client of the signed-in user, if any.
    pub fn api(&self) -> Option<Authenticated> {
        self.data
            .with_untracked(|data| data.as_ref().map(|data| data.api.clone()))
    }

    /// An action on the API as the signed-in user (see `api::action`); without a session its
    /// outcome is a network failure, as if the server could not be reached.
    pub fn action<I, O, Fut>(
        self,
        run: impl Fn(Authenticated, I) -> Fut + 'static,
        done: impl Fn(Result<O, ApiFailure>) + 'static,
    ) -> Action<I, ()>
    where
        I: Clone + 'static,
        O: 'static,
        Fut: std::future::Future<Output = Result<O, ApiFailure>> + 'static,
    {
        crate::api::action(
            move |input: I| {
                let work = self.api().map(|api| run(api, input));
                async move {
                    match work {
                        Some(work) => work.await,
                        None => Err(ApiFailure::Network),
                    }
                }
            },
            done,
        )
    }

    /// Notes activity. Someone typing a long message makes no API calls, so about once a
    /// minute of activity the server is told (a token refresh), and its idle timeout does not
    /// end a session that is in use.
    pub fn touch(&self) {
        let now = js_sys::Date::now();
        self.last_activity.set(now);
        if now - self.last_keep_alive.get_untracked() > 60_000.0 {
            self.keep_alive();
        }
    }

    /// Tells the server now that the user is active.
    pub fn keep_alive(&self) {
        let now = js_sys::Date::now();
        self.last_activity.set(now);
        self.last_keep_alive.set(now);
        if let Some(api) = self
            .data
            .with_untracked(|data| data.as_ref().map(|data| data.api.clone()))
        {
            leptos::task::spawn_local(async move {
                // A failure shows up as a signed-out session at the next call.
                let _ = api.keep_alive().await;
            });
        }
    }

    /// Forgets everything about the session, unsaved input included.
    pub fn sign_out(&self) {
        self.drafts
            .update_value(|drafts| *drafts = Drafts::default());
        self.current_client.set(None);
        self.data.set(None);
        remember_signed_in(false);
    }

    /// Ends the session because the user was inactive too long. Unsaved input is kept for
    /// when the same user logs in again in this tab.
    pub fn sign_out_idle(&self) {
        self.ended_by_idle.set(true);
        self.current_client.set(None);
        self.data.set(None);
        remember_signed_in(false);
    }

    /// Ends once `resume` has found out whether the refresh cookie holds a session (at once
    /// when no such check runs).
    pub async fn resumed(&self) {
        if !self.resuming.get_untracked() {
            return;
        }
        let (done, wait) = futures::channel::oneshot::channel();
        RESUME_WAITERS.with(|waiters| waiters.borrow_mut().push(done));
        // A dropped sender (never: `resume` always ends) would end the wait just the same.
        let _ = wait.await;
    }

    /// A text field whose unsaved input survives an idle logout. It starts with the kept
    /// draft, or else with `saved` (the value on the server); while the two differ the input
    /// is kept as a draft. Never use it for passwords or codes.
    /// `client` is the client the form is about (`None` for the user's own details).
    pub fn draft_field(
        &self,
        client: Option<Uuid>,
        field: &'static str,
        saved: RwSignal<String>,
    ) -> RwSignal<String> {
        let drafts = self.drafts;
        let key = (client, field);
        let start = drafts
            .with_value(|drafts| drafts.fields.get(&key).cloned())
            .unwrap_or_else(|| saved.get_untracked());
        let value = RwSignal::new(start);
        Effect::new(move || {
            let now = value.get();
            let unsaved = saved.with(|saved| *saved != now);
            drafts.update_value(|drafts| {
                if unsaved {
                    drafts.fields.insert(key, now);
                } else {
                    drafts.fields.remove(&key);
                }
            });
        });
        value
    }

    /// Forgets the unsaved input kept under `key` (it was saved), also when its page has closed.
    pub fn clear_draft(&self, client: Option<Uuid>, field: &'static str) {
        self.drafts.update_value(|drafts| {
            drafts.fields.remove(&(client, field));
        });
    }

    /// The membership of the chosen client (reactive).
    /// For a care worker: the chosen client of their care team.
    pub fn current_care_client(&self) -> Option<kring_shared::me::ClientSummary> {
        let id = self.current_client.get()?;
        self.data.with(|data| {
            data.as_ref()?
                .me
                .care_team
                .iter()
                .find(|client| client.id == id)
                .cloned()
        })
    }

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

/// The client to open without asking: the only one, if there is exactly one.
fn only_client(me: &Me) -> Option<Uuid> {
    match me.clients.as_slice() {
        [only] => Some(only.client.id),
        _ => None,
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
        match resumed {
            Ok(data) if session.data.with_untracked(Option::is_none) => session.sign_in(data),
            Ok(_) => {}
            // Someone who signed in meanwhile keeps the note.
            Err(_) if session.data.with_untracked(Option::is_none) => remember_signed_in(false),
            Err(_) => {}
        }
        session.resuming.set(false);
        for done in RESUME_WAITERS.with(|waiters| std::mem::take(&mut *waiters.borrow_mut())) {
            let _ = done.send(());
        }
    });
}

thread_local! {
    /// The pages waiting for `resume` to end (`Session::resumed`).
    static RESUME_WAITERS: RefCell<Vec<futures::channel::oneshot::Sender<()>>> =
        const { RefCell::new(Vec::new()) };
}

/// Where this device remembers that someone signed in here and has not signed out. Not the
/// session (that is never stored in the browser): only a hint that a page may fetch its code
/// while the session is being resumed, instead of waiting to learn whether it will be shown.
const SIGNED_IN_KEY: &str = "kring.signed-in";

fn remember_signed_in(signed_in: bool) {
    let Some(storage) = web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    else {
        return;
    };
    // A hint only: failing to store it costs a little time, never access.
    let _ = if signed_in {
        storage.set_item(SIGNED_IN_KEY, "1")
    } else {
        storage.remove_item(SIGNED_IN_KEY)
    };
}

/// Whether someone signed in on this device and has not signed out (see `SIGNED_IN_KEY`).
pub fn signed_in_before() -> bool {
    web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .and_then(|storage| storage.get_item(SIGNED_IN_KEY).ok().flatten())
        .is_some()
}

/// The session context.
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_default()
}
