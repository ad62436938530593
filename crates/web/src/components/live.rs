//! Live updates: while a page that shows a client's dossier, agenda or pinboard is open, it listens to
//! the client's server-sent events and bumps a counter on every change it follows, which the page's
//! resources track to reload. `EventSource` cannot send the bearer token, so each connection
//! starts with a one-time ticket; after an error it reconnects with a new ticket (1 s, then
//! then doubling up to 30 s) and the counter is bumped so nothing missed stays missing.

use std::time::Duration;

use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::{JsCast, closure::Closure};

use crate::session::{Session, use_session};

struct Connection {
    source: web_sys::EventSource,
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.source.close();
    }
}

#[derive(Clone, Copy)]
struct Live {
    session: Session,
    client_id: Uuid,
    version: RwSignal<u32>,
    connection: StoredValue<Option<Connection>, LocalStorage>,
    alive: StoredValue<bool>,
    /// A reload is already scheduled.
    pending: StoredValue<bool>,
    /// The event names that count (`dossier`, `agenda`, `pinboard`, `messages`).
    names: StoredValue<Vec<&'static str>>,
}

/// A counter that goes up whenever `client_id`'s dossier changes, for as long as the calling
/// component lives.
pub fn use_live_dossier(client_id: Uuid) -> ReadSignal<u32> {
    use_live(client_id, &["dossier"])
}

/// A counter that goes up whenever one of `names` happens for `client_id` (`dossier`,
/// `agenda`, `pinboard`, `messages`), for as long as the calling component lives.
pub fn use_live(client_id: Uuid, names: &[&'static str]) -> ReadSignal<u32> {
    let live = Live {
        names: StoredValue::new(names.to_vec()),
        session: use_session(),
        client_id,
        version: RwSignal::new(0),
        connection: StoredValue::new_local(None),
        alive: StoredValue::new(true),
        pending: StoredValue::new(false),
    };
    connect(live, 0);
    on_cleanup(move || {
        live.alive.set_value(false);
        live.connection.set_value(None);
    });
    live.version.read_only()
}

fn connect(live: Live, attempt: u32) {
    leptos::task::spawn_local(async move {
        if !live.alive.get_value() {
            return;
        }
        let Some(api) = live.session.api() else {
            return;
        };
        let ticket = match api.event_ticket(live.client_id).await {
            Ok(ticket) => ticket.ticket,
            // No access (any more), or signed out: stop listening.
            Err(failure) if failure.code().is_some() => return,
            Err(_) => return retry(live, attempt + 1),
        };
        if !live.alive.get_value() {
            return;
        }
        let url = format!(
            "/api/clients/{}/events?ticket={}",
            live.client_id,
            js_sys::encode_uri_component(&ticket)
        );
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return retry(live, attempt + 1);
        };
        // A bulk load sends many events at once: the page reloads at most every 400 ms.
        let bump = move |_: web_sys::Event| {
            if live.pending.get_value() {
                return;
            }
            live.pending.set_value(true);
            set_timeout(
                move || {
                    live.pending.set_value(false);
                    live.version.update(|version| *version += 1);
                },
                Duration::from_millis(400),
            );
        };
        let mut listeners = Vec::new();
        for name in live.names.get_value().into_iter().chain(["resync"]) {
            let listener = Closure::<dyn FnMut(web_sys::Event)>::new(bump);
            let _ =
                source.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            listeners.push(listener);
        }
        if attempt > 0 {
            // Back after a break: reload what may have been missed.
            let listener = Closure::<dyn FnMut(web_sys::Event)>::new(bump);
            let _ =
                source.add_event_listener_with_callback("ready", listener.as_ref().unchecked_ref());
            listeners.push(listener);
        }
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            // Stop the browser's own reconnect (the ticket is spent); drop this connection,
            // and with it this very listener, only after it has returned.
            live.connection.with_value(|connection| {
                if let Some(connection) = connection {
                    connection.source.close();
                }
            });
            set_timeout(
                move || {
                    live.connection.set_value(None);
                    retry(live, attempt + 1);
                },
                Duration::ZERO,
            );
        });
        let _ = source.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
        listeners.push(on_error);
        live.connection.set_value(Some(Connection {
            source,
            _listeners: listeners,
        }));
    });
}

/// Connects again after 2, 4, 8, 16, then 30 seconds.
fn retry(live: Live, attempt: u32) {
    if !live.alive.get_value() {
        return;
    }
    let seconds = 2u64.saturating_pow(attempt.min(5)).min(30);
    set_timeout(move || connect(live, attempt), Duration::from_secs(seconds));
}
