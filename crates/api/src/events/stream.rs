//! The event stream of one open page, as a state machine that yields the next chunk of
//! server-sent events.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::{self, error::RecvError};
use uuid::Uuid;

use super::LiveEvent;
use crate::{
    auth::extractor::{Activity, live_user},
    services,
};

/// What the user may follow of this client right now.
#[derive(Debug, Clone, Copy)]
struct Allowed {
    dossier: bool,
    agenda: bool,
    pinboard: bool,
    messages: bool,
}

impl Allowed {
    fn event(self, event: &LiveEvent, user_id: Uuid) -> bool {
        match event {
            LiveEvent::Dossier(_) => self.dossier,
            LiveEvent::Agenda(_) => self.agenda,
            LiveEvent::Pinboard(_) => self.pinboard,
            LiveEvent::Messages { audience, .. } => self.messages && audience.contains(&user_id),
            LiveEvent::Resync(_) => true,
        }
    }
}

/// One open stream: `ready`, then the client's `dossier`, `agenda`, `pinboard` and `messages` events the user may see, `resync`
/// when the bus dropped events for it, a keep-alive comment every 15 seconds (which also
/// checks the session and the access again), and `end` when either is gone.
pub struct DossierStream {
    db: DatabaseConnection,
    receiver: broadcast::Receiver<LiveEvent>,
    client_id: Uuid,
    user_id: Uuid,
    session_id: Uuid,
    keepalive: tokio::time::Interval,
    started: bool,
    ended: bool,
    /// The last answer of `allowed` and when it was given: a bulk load sends many events at
    /// once, and access is checked again at most every 5 seconds.
    checked: Option<(std::time::Instant, Allowed)>,
}

impl DossierStream {
    pub fn new(
        db: DatabaseConnection,
        receiver: broadcast::Receiver<LiveEvent>,
        client_id: Uuid,
        user_id: Uuid,
        session_id: Uuid,
    ) -> DossierStream {
        DossierStream {
            db,
            receiver,
            client_id,
            user_id,
            session_id,
            keepalive: tokio::time::interval(Duration::from_secs(15)),
            started: false,
            ended: false,
            checked: None,
        }
    }

    /// The stream as a response body.
    pub fn into_body(
        self,
    ) -> impl futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_web::Error>> {
        futures_util::stream::unfold(self, |mut stream| async move {
            let chunk = stream.next_chunk().await?;
            Some((Ok(actix_web::web::Bytes::from(chunk)), stream))
        })
    }

    /// `allowed`, remembered for 5 seconds.
    async fn allowed_now(&mut self) -> Option<Allowed> {
        if let Some((at, allowed)) = self.checked
            && at.elapsed() < Duration::from_secs(5)
        {
            return Some(allowed);
        }
        let allowed = self.allowed().await?;
        self.checked = Some((std::time::Instant::now(), allowed));
        Some(allowed)
    }

    /// Which of this client's events the user may still see (`None`: the stream ends).
    async fn allowed(&self) -> Option<Allowed> {
        let account = live_user(
            &self.db,
            self.user_id,
            self.session_id,
            Activity::Background,
        )
        .await
        .ok()?;
        let agenda = services::agenda::agenda_viewer(&self.db, &account, self.client_id)
            .await
            .is_ok();
        let pinboard = services::details::details_access(&self.db, &account, self.client_id)
            .await
            .is_ok();
        let messages = services::messages::viewer(&self.db, &account, self.client_id)
            .await
            .is_ok();
        match services::policy::client_access(&self.db, &account, self.client_id).await {
            Ok(access) => Some(Allowed {
                dossier: services::dossier::reads_dossier(&access),
                agenda,
                pinboard,
                messages,
            }),
            // A care worker of the team follows the agenda and the conversations.
            Err(_) if agenda || messages => Some(Allowed {
                dossier: false,
                agenda,
                pinboard: false,
                messages,
            }),
            Err(_) => None,
        }
    }

    /// The next bytes to send; `None` ends the stream.
    async fn next_chunk(&mut self) -> Option<String> {
        if self.ended {
            return None;
        }
        if !self.started {
            self.started = true;
            // The first tick of an interval is immediate; spend it here.
            self.keepalive.tick().await;
            return Some("retry: 3000\nevent: ready\ndata: {}\n\n".to_owned());
        }
        loop {
            tokio::select! {
                received = self.receiver.recv() => match received {
                    Ok(LiveEvent::Resync(None)) => {
                        return Some("event: resync\ndata: {}\n\n".to_owned());
                    }
                    Ok(event) if event.client_id() == Some(self.client_id) => {
                        match self.allowed_now().await {
                            None => {
                                self.ended = true;
                                return Some("event: end\ndata: {}\n\n".to_owned());
                            }
                            Some(allowed) if !allowed.event(&event, self.user_id) => continue,
                            Some(_) => {
                                return Some(match &event {
                                    LiveEvent::Dossier(event) => format!(
                                        "event: dossier\ndata: {}\n\n",
                                        serde_json::to_string(event).ok()?
                                    ),
                                    LiveEvent::Agenda(event) => format!(
                                        "event: agenda\ndata: {}\n\n",
                                        serde_json::to_string(event).ok()?
                                    ),
                                    LiveEvent::Pinboard(event) => format!(
                                        "event: pinboard\ndata: {}\n\n",
                                        serde_json::to_string(event).ok()?
                                    ),
                                    LiveEvent::Messages { event, .. } => format!(
                                        "event: messages\ndata: {}\n\n",
                                        serde_json::to_string(event).ok()?
                                    ),
                                    LiveEvent::Resync(_) => "event: resync\ndata: {}\n\n".to_owned(),
                                });
                            }
                        }
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => {
                        return Some("event: resync\ndata: {}\n\n".to_owned());
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = self.keepalive.tick() => {
                    self.checked = None;
                    if self.allowed_now().await.is_none() {
                        self.ended = true;
                        return Some("event: end\ndata: {}\n\n".to_owned());
                    }
                    return Some(": keepalive\n\n".to_owned());
                }
            }
        }
    }
}
