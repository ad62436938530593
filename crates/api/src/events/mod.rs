//! Real time: dossier, agenda, pinboard and message changes are published on a bus and streamed
//! to open pages as server-sent events. `EventSource` cannot send a bearer token, so the page
//! first trades its token for a one-time ticket (30 seconds) and opens the stream with it.
//!
//! On SQLite (one instance) the bus is a channel inside the process. On PostgreSQL several
//! instances share one database, so an event goes out as a `NOTIFY` on the channel
//! `kring_events` and comes back through `LISTEN` on every instance — this one too — before it
//! reaches the open streams. The payloads carry ids, never data: each stream still asks the
//! database what its user may see. When the listening connection is lost, the events sent in
//! between are gone, so every open stream is told to `resync` (reload what it shows). Tickets
//! live in the database (`stream_tickets`, hashed), so a ticket from one instance opens a
//! stream on any other.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use kring_shared::{
    agenda::AgendaEvent, dossier::DossierEvent, messages::MessagesEvent, pinboard::PinboardEvent,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, QueryFilter, Statement, sqlx::postgres::PgListener,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

use crate::{
    auth::secret::{hash_token, random_token},
    entities::stream_ticket,
};

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
    /// Events may have been missed: the open streams of this client (`None`: every open
    /// stream, after the bus lost its connection to the database) tell their pages to reload.
    Resync(Option<Uuid>),
}

impl LiveEvent {
    /// The client whose pages the event is for (`None`: every page).
    pub fn client_id(&self) -> Option<Uuid> {
        match self {
            LiveEvent::Dossier(event) => Some(event.client_id),
            LiveEvent::Agenda(event) => Some(event.client_id),
            LiveEvent::Pinboard(event) => Some(event.client_id),
            LiveEvent::Messages { event, .. } => Some(event.client_id),
            LiveEvent::Resync(client_id) => *client_id,
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
}

/// A new one-time ticket for `user_id`'s session to open `client_id`'s stream (on any
/// instance). Expired tickets are removed on the way.
pub async fn issue_ticket(
    db: &DatabaseConnection,
    user_id: Uuid,
    session_id: Uuid,
    client_id: Uuid,
) -> Result<String, DbErr> {
    let now = Utc::now();
    stream_ticket::Entity::delete_many()
        .filter(stream_ticket::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    let ticket = random_token();
    stream_ticket::Entity::insert(stream_ticket::ActiveModel {
        ticket_hash: Set(hash_token(&ticket)),
        user_id: Set(user_id),
        session_id: Set(session_id),
        client_id: Set(client_id),
        expires_at: Set(now + chrono::Duration::seconds(i64::from(TICKET_SECONDS))),
    })
    .exec_without_returning(db)
    .await?;
    Ok(ticket)
}

/// Takes `ticket` out of the database — one atomic `DELETE … RETURNING`, so of two parallel
/// redeems (on any instances) only one gets it. `None` when unknown, used, expired or issued
/// for another client (a ticket tried on the wrong client is used up all the same).
pub async fn redeem(
    db: &DatabaseConnection,
    ticket: &str,
    client_id: Uuid,
) -> Result<Option<Ticket>, DbErr> {
    let taken = stream_ticket::Entity::delete_many()
        .filter(stream_ticket::Column::TicketHash.eq(hash_token(ticket)))
        .exec_with_returning(db)
        .await?;
    Ok(taken
        .into_iter()
        .find(|held| held.expires_at > Utc::now() && held.client_id == client_id)
        .map(|held| Ticket {
            user_id: held.user_id,
            session_id: held.session_id,
            client_id: held.client_id,
        }))
}

/// The PostgreSQL channel every instance listens on.
const CHANNEL: &str = "kring_events";
/// PostgreSQL refuses a payload of 8000 bytes or more; events are sent in batches below this.
const MAX_PAYLOAD: usize = 7000;

/// An event as it travels between instances: ids only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Wire {
    Dossier {
        event: DossierEvent,
    },
    Agenda {
        client_id: Uuid,
    },
    Pinboard {
        client_id: Uuid,
    },
    Messages {
        event: MessagesEvent,
        audience: Vec<Uuid>,
    },
    Resync {
        client_id: Option<Uuid>,
    },
}

impl From<&LiveEvent> for Wire {
    fn from(event: &LiveEvent) -> Wire {
        match event {
            LiveEvent::Dossier(event) => Wire::Dossier {
                event: event.clone(),
            },
            LiveEvent::Agenda(event) => Wire::Agenda {
                client_id: event.client_id,
            },
            LiveEvent::Pinboard(event) => Wire::Pinboard {
                client_id: event.client_id,
            },
            LiveEvent::Messages { event, audience } => Wire::Messages {
                event: event.clone(),
                audience: audience.to_vec(),
            },
            LiveEvent::Resync(client_id) => Wire::Resync {
                client_id: *client_id,
            },
        }
    }
}

impl From<Wire> for LiveEvent {
    fn from(wire: Wire) -> LiveEvent {
        match wire {
            Wire::Dossier { event } => LiveEvent::Dossier(event),
            Wire::Agenda { client_id } => LiveEvent::agenda(client_id),
            Wire::Pinboard { client_id } => LiveEvent::pinboard(client_id),
            Wire::Messages { event, audience } => LiveEvent::Messages {
                event,
                audience: audience.into(),
            },
            Wire::Resync { client_id } => LiveEvent::Resync(client_id),
        }
    }
}

/// Packs queued events into `NOTIFY` payloads (JSON arrays) below `MAX_PAYLOAD` bytes; an event
/// that is too big alone (a conversation with hundreds of members) becomes a `resync` of its
/// client's open pages.
fn pack(events: &[LiveEvent]) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut size = 2;
    for event in events {
        let mut item = serde_json::to_string(&Wire::from(event)).unwrap_or_default();
        if item.is_empty() || item.len() + 2 > MAX_PAYLOAD {
            tracing::warn!("a live event is too big for NOTIFY; its client's streams resync");
            item = serde_json::to_string(&Wire::Resync {
                client_id: event.client_id(),
            })
            .unwrap_or_default();
        }
        if size + item.len() + 1 > MAX_PAYLOAD && !current.is_empty() {
            payloads.push(format!("[{}]", current.join(",")));
            current.clear();
            size = 2;
        }
        size += item.len() + 1;
        current.push(item);
    }
    if !current.is_empty() {
        payloads.push(format!("[{}]", current.join(",")));
    }
    payloads
}

/// The events in one `NOTIFY` payload (a payload that does not parse means missed events).
fn unpack(payload: &str) -> Vec<LiveEvent> {
    match serde_json::from_str::<Vec<Wire>>(payload) {
        Ok(events) => events.into_iter().map(LiveEvent::from).collect(),
        Err(error) => {
            tracing::warn!(error = %error, "an unreadable live event; streams resynchronise");
            vec![LiveEvent::Resync(None)]
        }
    }
}

/// The publish side, shared by every worker of one process.
#[derive(Clone)]
pub struct EventBus {
    /// What this instance's open streams receive.
    local: broadcast::Sender<LiveEvent>,
    /// On PostgreSQL: the queue of events to `NOTIFY`, sent in order by one task.
    remote: Option<mpsc::UnboundedSender<LiveEvent>>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus::new()
    }
}

impl EventBus {
    /// An in-process bus (one instance) that buffers 1024 events per slow listener before it
    /// tells it to resynchronise.
    pub fn new() -> EventBus {
        let (local, _) = broadcast::channel(1024);
        EventBus {
            local,
            remote: None,
        }
    }

    /// The bus for `db`: across instances through `LISTEN`/`NOTIFY` on PostgreSQL (listening
    /// before this returns, so no event published afterwards is missed), in-process on SQLite.
    pub async fn for_database(db: &DatabaseConnection) -> Result<EventBus, DbErr> {
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(EventBus::new());
        }
        let bus = EventBus::new();
        let pool = db.get_postgres_connection_pool().clone();
        let mut listener = PgListener::connect_with(&pool)
            .await
            .map_err(|error| DbErr::Custom(format!("LISTEN connection: {error}")))?;
        listener
            .listen(CHANNEL)
            .await
            .map_err(|error| DbErr::Custom(format!("LISTEN {CHANNEL}: {error}")))?;
        tokio::spawn(listen(listener, pool, bus.local.clone()));
        let (queue, outgoing) = mpsc::unbounded_channel();
        tokio::spawn(announce(db.clone(), outgoing, bus.local.clone()));
        Ok(EventBus {
            remote: Some(queue),
            ..bus
        })
    }

    /// Sends `event` to every open stream of every instance (none listening is fine).
    pub fn publish(&self, event: impl Into<LiveEvent>) {
        let event = event.into();
        match &self.remote {
            Some(queue) => {
                if let Err(unsent) = queue.send(event) {
                    let _ = self.local.send(unsent.0);
                }
            }
            None => {
                let _ = self.local.send(event);
            }
        }
    }

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.local.subscribe()
    }
}

/// Sends queued events as `NOTIFY`s, in order, packing what queued up meanwhile into one
/// payload. When the database refuses, this instance's streams hear the events that were not
/// sent, and once the database answers again every instance is told to resync.
async fn announce(
    db: DatabaseConnection,
    mut queue: mpsc::UnboundedReceiver<LiveEvent>,
    local: broadcast::Sender<LiveEvent>,
) {
    let mut batch = Vec::new();
    while queue.recv_many(&mut batch, 256).await > 0 {
        let payloads = pack(&batch);
        for (sent, payload) in payloads.iter().enumerate() {
            if let Err(error) = notify(&db, payload).await {
                tracing::warn!(error = %error, "NOTIFY failed; only this instance hears the events");
                for unsent in &payloads[sent..] {
                    for event in unpack(unsent) {
                        let _ = local.send(event);
                    }
                }
                let resync = pack(&[LiveEvent::Resync(None)]).concat();
                while notify(&db, &resync).await.is_err() {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                break;
            }
        }
        batch.clear();
    }
}

async fn notify(db: &DatabaseConnection, payload: &str) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), payload.into()],
    ))
    .await
    .map(|_| ())
}

/// After this long without a notification the listener sends itself one (an empty batch) …
const QUIET: Duration = Duration::from_secs(30);
/// … and takes a connection that does not bring it back within this long for dead: a
/// half-open TCP connection (a NAT or firewall that forgot it) otherwise waits forever.
const ANSWER: Duration = Duration::from_secs(10);

/// Hands every notification to this instance's streams. A lost connection is re-established
/// (by `try_recv`, or here when it fails or stops answering) and every stream is told to
/// resynchronise.
async fn listen(
    mut listener: PgListener,
    pool: sea_orm::sqlx::PgPool,
    local: broadcast::Sender<LiveEvent>,
) {
    let mut pinged = false;
    loop {
        let wait = if pinged { ANSWER } else { QUIET };
        let lost = match tokio::time::timeout(wait, listener.try_recv()).await {
            Ok(Ok(Some(notification))) => {
                pinged = false;
                for event in unpack(notification.payload()) {
                    let _ = local.send(event);
                }
                continue;
            }
            Ok(Ok(None)) => {
                // sqlx connected again already; what was sent meanwhile is gone.
                tracing::warn!("the LISTEN connection was lost; open streams resynchronise");
                let _ = local.send(LiveEvent::Resync(None));
                pinged = false;
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            Err(_) if !pinged => {
                pinged = true;
                let ping = sea_orm::sqlx::query("SELECT pg_notify($1, '[]')")
                    .bind(CHANNEL)
                    .execute(&pool)
                    .await;
                if let Err(error) = ping {
                    tracing::warn!(error = %error, "the LISTEN check could not be sent");
                }
                continue;
            }
            Err(_) => "the LISTEN connection stopped answering".to_owned(),
            Ok(Err(error)) => error.to_string(),
        };
        tracing::warn!(error = %lost, "LISTEN failed; connecting again");
        let _ = local.send(LiveEvent::Resync(None));
        pinged = false;
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if pool.is_closed() {
                return;
            }
            let again = match PgListener::connect_with(&pool).await {
                Ok(mut again) => again.listen(CHANNEL).await.map(|()| again),
                Err(error) => Err(error),
            };
            match again {
                Ok(again) => {
                    listener = again;
                    let _ = local.send(LiveEvent::Resync(None));
                    break;
                }
                Err(error) => tracing::warn!(error = %error, "LISTEN still fails"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kring_shared::dossier::{DossierKind, EntryChange};

    fn dossier_event() -> LiveEvent {
        LiveEvent::Dossier(DossierEvent {
            client_id: Uuid::new_v4(),
            entry_id: Uuid::new_v4(),
            kind: DossierKind::Report,
            change: EntryChange::Added,
        })
    }

    #[test]
    fn events_survive_the_trip_between_instances() {
        let events = vec![
            dossier_event(),
            LiveEvent::agenda(Uuid::new_v4()),
            LiveEvent::pinboard(Uuid::new_v4()),
            LiveEvent::Messages {
                event: MessagesEvent {
                    client_id: Uuid::new_v4(),
                    conversation_id: Uuid::new_v4(),
                },
                audience: vec![Uuid::new_v4(), Uuid::new_v4()].into(),
            },
            LiveEvent::Resync(None),
            LiveEvent::Resync(Some(Uuid::new_v4())),
        ];
        let payloads = pack(&events);
        assert_eq!(payloads.len(), 1);
        assert_eq!(unpack(&payloads[0]), events);
        assert_eq!(unpack("not json"), vec![LiveEvent::Resync(None)]);
        assert_eq!(unpack("[]"), vec![]);
    }

    #[test]
    fn a_bulk_load_is_split_into_payloads_postgres_accepts() {
        let events: Vec<LiveEvent> = (0..500).map(|_| dossier_event()).collect();
        let payloads = pack(&events);
        assert!(payloads.len() > 1);
        assert!(payloads.iter().all(|payload| payload.len() < MAX_PAYLOAD));
        let back: Vec<LiveEvent> = payloads.iter().flat_map(|p| unpack(p)).collect();
        assert_eq!(back, events);
    }

    #[test]
    fn an_event_too_big_for_notify_becomes_a_resync_of_its_client() {
        let client_id = Uuid::new_v4();
        let huge = LiveEvent::Messages {
            event: MessagesEvent {
                client_id,
                conversation_id: Uuid::new_v4(),
            },
            audience: (0..400).map(|_| Uuid::new_v4()).collect::<Vec<_>>().into(),
        };
        let payloads = pack(&[huge, LiveEvent::pinboard(Uuid::nil())]);
        assert_eq!(
            payloads.iter().flat_map(|p| unpack(p)).collect::<Vec<_>>(),
            vec![
                LiveEvent::Resync(Some(client_id)),
                LiveEvent::pinboard(Uuid::nil())
            ]
        );
    }
}
