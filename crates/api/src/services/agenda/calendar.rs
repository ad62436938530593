//! The personal calendar subscription: a secret address (only its SHA-256 is stored) that
//! serves an iCalendar file of every agenda the user may see, from a month ago to a year ahead.
//! Turning it on again replaces the address; turning it off makes the old one answer 404 at
//! once.

use chrono::{Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use kring_shared::{
    agenda::{AgendaItem, AppointmentSource, CalendarFeedCreated, CalendarFeedStatus},
    contacts::InvitationState,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::{agenda_viewer, in_range};
use crate::{
    auth::secret::{hash_token, random_token},
    entities::{calendar_feed, client_contact, user},
    error::ApiError,
    services::access_log::Reader,
};

/// `GET /api/me/calendar-feed`.
pub async fn feed_status(
    db: &DatabaseConnection,
    account: &user::Model,
) -> Result<CalendarFeedStatus, ApiError> {
    let found = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::UserId.eq(account.id))
        .one(db)
        .await?;
    Ok(CalendarFeedStatus {
        active: found.is_some(),
        created_at: found.map(|feed| feed.created_at),
    })
}

/// `POST /api/me/calendar-feed`: a new address (the old one stops working).
pub async fn create_feed(
    db: &DatabaseConnection,
    account: &user::Model,
    public_url: &str,
) -> Result<CalendarFeedCreated, ApiError> {
    let token = random_token();
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::UserId.eq(account.id))
        .exec(&txn)
        .await?;
    calendar_feed::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(account.id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(CalendarFeedCreated {
        url: format!("{public_url}/api/calendar/{token}.ics"),
        created_at: now,
    })
}

/// `DELETE /api/me/calendar-feed`.
pub async fn revoke_feed(db: &DatabaseConnection, account: &user::Model) -> Result<(), ApiError> {
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::UserId.eq(account.id))
        .exec(db)
        .await?;
    Ok(())
}

/// A text for a property: no carriage return, which the iCalendar writer does not escape and a
/// calendar program could read as the start of a property of its own.
fn clean(text: &str) -> String {
    text.replace('\r', "")
}

fn event_of(item: &AgendaItem, client_name: &str, host: &str) -> Event {
    let mut event = Event::new();
    event
        .uid(&format!("{}@{host}", item.key.replace(['@', ':'], "-")))
        .timestamp(Utc::now());
    let title = match (&item.title, item.busy) {
        (Some(title), false) => format!("{client_name}: {title}"),
        _ => format!("{client_name}: Bezet"),
    };
    event.summary(&clean(&title));
    if let Some(location) = &item.location {
        event.location(&clean(location));
    }
    let mut description = item.description.clone().unwrap_or_default();
    if item.source == AppointmentSource::Care {
        if let Some(worker) = &item.care_worker {
            description = format!("{}\n{description}", worker.name).trim().to_owned();
        }
        description.push_str(
            "\n\nDe tijden zijn een indicatie: ze komen niet altijd overeen met de tijden van \
             de zorg.",
        );
    }
    if !description.trim().is_empty() {
        event.description(&clean(description.trim()));
    }
    if item.all_day {
        event
            .starts(item.local_start.date())
            .ends(item.local_end.date());
    } else {
        event.starts(item.starts_at).ends(item.ends_at);
    }
    event.done()
}

/// `GET /api/calendar/{token}.ics`: the calendar of the user the token belongs to; `None`
/// for an unknown or revoked token.
pub async fn calendar_feed(
    db: &DatabaseConnection,
    token: &str,
    host: &str,
    origin: &crate::services::security_log::ClientInfo,
) -> Result<Option<String>, ApiError> {
    let Some(feed) = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(hash_token(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(account) = user::Entity::find_by_id(feed.user_id).one(db).await? else {
        return Ok(None);
    };
    // A blocked account shows nothing, through its sessions or its subscription.
    if account.is_locked(Utc::now()) {
        return Ok(None);
    }
    let links = client_contact::Entity::find()
        .filter(client_contact::Column::UserId.eq(account.id))
        .filter(client_contact::Column::InvitationState.eq(InvitationState::Accepted))
        .all(db)
        .await?;
    let mut calendar = Calendar::new();
    calendar.name("Kring");
    let now = Utc::now();
    let (start, end) = (now - Duration::days(31), now + Duration::days(366));
    let reader = Reader {
        user: &account,
        session_id: feed.id,
        origin,
    };
    for link in links {
        // The same rules as the agenda page: lost access means an empty calendar.
        let Ok(viewer) = agenda_viewer(db, &account, link.client_id).await else {
            continue;
        };
        let name = viewer.client().first_name.clone();
        let (items, care_read) = in_range(db, &viewer, start, end).await?;
        if care_read {
            super::log_care_read(db, &viewer, &reader, None).await?;
        }
        for item in &items {
            calendar.push(event_of(item, &name, host));
        }
    }
    Ok(Some(calendar.done().to_string()))
}
