//! Real time: dossier and agenda changes are published on an in-process bus and streamed to
//! open pages as server-sent events. `EventSource` cannot send a bearer token, so the page first trades its
//! token for a one-time ticket (30 seconds) and opens the stream with it.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use kring_shared::{
    agenda::AgendaEvent, dossier::DossierEvent, messages::MessagesEvent, pinboard::PinboardEvent,
};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::auth::secret::random_token;

mod stream;

pub use stream::DossierStream;

/// One change, for the pages of one client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// A dossier entry was added, changed or retracted (needs the Dossier permission).
    Dossier(DossierEvent),
    /// Something in the agenda changed (needs Afspraken, or a place in the care team).
    Agenda(AgendaEvent),
    /// A post, reply or emoji response on the pinboard (needs Gegevens; never the care team).
    Pinboard(PinboardEvent),
    /// A conversation changed: only for `audience`, the people who see it.
    Messages {
        event: MessagesEvent,
        audience: Arc<[Uuid]>,
    },
}

impl LiveEvent {
    pub fn client_id(&self) -> Uuid {
        match self {
            LiveEvent::Dossier(event) => event.client_id,
            LiveEvent::Agenda(event) => event.client_id,
            LiveEvent::Pinboard(event) => event.client_id,
            LiveEvent::Messages { event, .. } => event.client_id,
        }
    }

    /// A pinboard change of `client_id`.
    pub fn pinboard(client_id: Uuid) -> LiveEvent {
        LiveEvent::Pinboard(PinboardEvent { client_id })
    }

    /// An agenda change of `client_id`.
    pub fn agenda(client_id: Uuid) -> LiveEvent {
        LiveEvent::Agenda(AgendaEvent { client_id })
    }
}

impl From<DossierEvent> for LiveEvent {
    fn from(event: DossierEvent) -> LiveEvent {
        LiveEvent::Dossier(event)
    }
}

/// How long a ticket can be redeemed.
pub const TICKET_SECONDS: u32 = 30;

/// Who a ticket was issued to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub client_id: Uuid,
    issued: Instant,
}

/// The publish side and the ticket store, shared by every worker of one process.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<LiveEvent>,
    tickets: Arc<Mutex<HashMap<String, Ticket>>>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus::new()
    }
}

impl EventBus {
    /// A bus that buffers 1024 events per slow listener before it tells it to resynchronise.
    pub fn new() -> EventBus {
        let (sender, _) = broadcast::channel(1024);
        EventBus {
            sender,
            tickets: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Sends `event` to every open stream (none listening is fine).
    pub fn publish(&self, event: impl Into<LiveEvent>) {
        let _ = self.sender.send(event.into());
    }

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }

    /// A new one-time ticket for `user_id`'s session to open `client_id`'s stream.
    pub fn issue_ticket(&self, user_id: Uuid, session_id: Uuid, client_id: Uuid) -> String {
        let ticket = random_token();
        let mut tickets = self
            .tickets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let lifetime = Duration::from_secs(u64::from(TICKET_SECONDS));
        tickets.retain(|_, held| held.issued.elapsed() < lifetime);
        tickets.insert(
            ticket.clone(),
            Ticket {
                user_id,
                session_id,
                client_id,
                issued: Instant::now(),
            },
        );
        ticket
    }

    /// Takes `ticket` out of the store: `None` when unknown, used or expired.
    pub fn redeem(&self, ticket: &str) -> Option<Ticket> {
        let mut tickets = self
            .tickets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        tickets
            .remove(ticket)
            .filter(|held| held.issued.elapsed() < Duration::from_secs(u64::from(TICKET_SECONDS)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_opens_one_stream_only() {
        let bus = EventBus::new();
        let (user, session, client) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let ticket = bus.issue_ticket(user, session, client);
        let held = bus.redeem(&ticket).expect("fresh ticket");
        assert_eq!((held.user_id, held.client_id), (user, client));
        assert!(bus.redeem(&ticket).is_none());
        assert!(bus.redeem("made-up").is_none());
    }
}
