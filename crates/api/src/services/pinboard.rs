//! *Prikbord*: posts with text and up to ten photos, the client's mood, replies and emoji
//! responses, for the client's network with the Gegevens permission (never the care team).
//! The author and the portal administrators (Instellingen) delete; everything else is read.

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use kring_shared::{
    Permission,
    contacts::{InvitationState, NotificationKind},
    me::{AccountKind, Relationship},
    pinboard::{
        Author, Emoji, EmojiCount, LatestPost, MAX_PHOTOS, MAX_TEXT, Mood, Photo, PinboardPage,
        Post, PostInput, Reply,
    },
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, OnConflict},
};
use strum::IntoEnumIterator;
use uuid::Uuid;

use crate::{
    entities::{client_contact, media, pinboard_post, pinboard_reply, pinboard_response, user},
    error::ApiError,
    events::LiveEvent,
    services::{
        media::{Size, url},
        notifications::{self, NewNotification},
        policy::ClientAccess,
    },
    state::AppState,
};

/// Posts per page unless asked otherwise.
pub const PAGE: u64 = 20;
/// Photos a user may have uploaded and not yet posted, per client.
pub const MAX_WAITING_UPLOADS: u64 = 30;

/// A position in the pinboard: the last post of the previous page.
fn encode_cursor(post: &pinboard_post::Model) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}:{}",
        post.created_at.timestamp_micros(),
        post.id
    ))
}

fn decode_cursor(raw: &str) -> Result<(DateTime<Utc>, Uuid), ApiError> {
    let invalid = || ApiError::invalid("cursor", "invalid_cursor");
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?)
        .map_err(|_| invalid())?;
    let (micros, id) = text.split_once(':').ok_or_else(invalid)?;
    Ok((
        DateTime::from_timestamp_micros(micros.parse().map_err(|_| invalid())?)
            .ok_or_else(invalid)?,
        id.parse().map_err(|_| invalid())?,
    ))
}

/// Whether the viewer may delete what `author_id` wrote: their own, or as portal administrator.
fn may_delete(access: &ClientAccess, author_id: Uuid) -> bool {
    access.link.user_id == author_id || access.link.has(Permission::Settings)
}

/// The authors of `ids` with their relationship to the client.
async fn authors(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Author>, ApiError> {
    Ok(crate::services::named::named(db, client_id, ids)
        .await?
        .into_values()
        .map(|person| {
            (
                person.id,
                Author {
                    user_id: person.id,
                    first_name: person.first_name,
                    last_name: person.last_name,
                    relationship: person.relationship,
                },
            )
        })
        .collect())
}

fn unknown_author(id: Uuid) -> Author {
    Author {
        user_id: id,
        first_name: String::new(),
        last_name: String::new(),
        relationship: None,
    }
}

fn photo_of(photo: &media::Model) -> Photo {
    Photo {
        id: photo.id,
        url: url(photo.id, Size::Display),
        thumbnail_url: url(photo.id, Size::Thumbnail),
        width: u32::try_from(photo.width).unwrap_or(0),
        height: u32::try_from(photo.height).unwrap_or(0),
    }
}

/// One page of the pinboard, newest first.
pub async fn list(
    db: &DatabaseConnection,
    access: &ClientAccess,
    cursor: Option<&str>,
    limit: Option<u64>,
) -> Result<PinboardPage, ApiError> {
    let limit = limit.unwrap_or(PAGE).clamp(1, 100);
    let mut select = pinboard_post::Entity::find()
        .filter(pinboard_post::Column::ClientId.eq(access.client.id))
        .order_by_desc(pinboard_post::Column::CreatedAt)
        .order_by_desc(pinboard_post::Column::Id)
        .limit(limit + 1);
    if let Some(raw) = cursor {
        let (at, id) = decode_cursor(raw)?;
        select = select.filter(
            Condition::any()
                .add(pinboard_post::Column::CreatedAt.lt(at))
                .add(
                    Condition::all()
                        .add(pinboard_post::Column::CreatedAt.eq(at))
                        .add(pinboard_post::Column::Id.lt(id)),
                ),
        );
    }
    let mut rows = select.all(db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(encode_cursor)
    } else {
        None
    };
    Ok(PinboardPage {
        posts: posts_of(db, access, rows).await?,
        next_cursor,
    })
}

/// The API view of `rows`, with photos, replies and emoji in four queries.
async fn posts_of(
    db: &impl ConnectionTrait,
    access: &ClientAccess,
    rows: Vec<pinboard_post::Model>,
) -> Result<Vec<Post>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|post| post.id).collect();
    let photos = media::Entity::find()
        .filter(media::Column::PostId.is_in(ids.clone()))
        .order_by_asc(media::Column::Position)
        .all(db)
        .await?;
    let replies = pinboard_reply::Entity::find()
        .filter(pinboard_reply::Column::PostId.is_in(ids.clone()))
        .order_by_asc(pinboard_reply::Column::CreatedAt)
        .order_by_asc(pinboard_reply::Column::Id)
        .all(db)
        .await?;
    let responses = pinboard_response::Entity::find()
        .filter(pinboard_response::Column::PostId.is_in(ids))
        .all(db)
        .await?;
    let people = authors(
        db,
        access.client.id,
        rows.iter()
            .map(|post| post.author_id)
            .chain(replies.iter().map(|reply| reply.author_id)),
    )
    .await?;
    let author = |id: Uuid| {
        people
            .get(&id)
            .cloned()
            .unwrap_or_else(|| unknown_author(id))
    };
    let viewer = access.link.user_id;
    Ok(rows
        .into_iter()
        .map(|post| Post {
            id: post.id,
            author: author(post.author_id),
            created_at: post.created_at,
            mood: post.mood.as_deref().and_then(|mood| mood.parse().ok()),
            photos: photos
                .iter()
                .filter(|photo| photo.post_id == Some(post.id))
                .map(photo_of)
                .collect(),
            replies: replies
                .iter()
                .filter(|reply| reply.post_id == post.id)
                .map(|reply| Reply {
                    id: reply.id,
                    author: author(reply.author_id),
                    created_at: reply.created_at,
                    text: reply.body.clone(),
                    may_delete: may_delete(access, reply.author_id),
                })
                .collect(),
            emoji: Emoji::iter()
                .filter_map(|emoji| {
                    let name: &'static str = emoji.into();
                    let given: Vec<&pinboard_response::Model> = responses
                        .iter()
                        .filter(|response| response.post_id == post.id && response.emoji == name)
                        .collect();
                    (!given.is_empty()).then(|| EmojiCount {
                        emoji,
                        count: u32::try_from(given.len()).unwrap_or(u32::MAX),
                        mine: given.iter().any(|response| response.user_id == viewer),
                    })
                })
                .collect(),
            may_delete: may_delete(access, post.author_id),
            text: post.body,
        })
        .collect())
}

/// One post as the viewer sees it; 404 when it is not on this client's pinboard.
pub async fn one(
    db: &DatabaseConnection,
    access: &ClientAccess,
    post_id: Uuid,
) -> Result<Post, ApiError> {
    let post = find_post(db, access, post_id).await?;
    posts_of(db, access, vec![post])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

async fn find_post(
    db: &impl ConnectionTrait,
    access: &ClientAccess,
    post_id: Uuid,
) -> Result<pinboard_post::Model, ApiError> {
    pinboard_post::Entity::find_by_id(post_id)
        .filter(pinboard_post::Column::ClientId.eq(access.client.id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The start panel's latest post.
pub async fn latest(
    db: &DatabaseConnection,
    access: &ClientAccess,
) -> Result<Option<LatestPost>, ApiError> {
    let Some(post) = pinboard_post::Entity::find()
        .filter(pinboard_post::Column::ClientId.eq(access.client.id))
        .order_by_desc(pinboard_post::Column::CreatedAt)
        .order_by_desc(pinboard_post::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let photos = media::Entity::find()
        .filter(media::Column::PostId.eq(post.id))
        .order_by_asc(media::Column::Position)
        .all(db)
        .await?;
    let author = authors(db, access.client.id, [post.author_id])
        .await?
        .remove(&post.author_id)
        .unwrap_or_else(|| unknown_author(post.author_id));
    Ok(Some(LatestPost {
        id: post.id,
        author,
        created_at: post.created_at,
        mood: post.mood.as_deref().and_then(|mood| mood.parse().ok()),
        thumbnail_url: photos.first().map(|photo| url(photo.id, Size::Thumbnail)),
        photo_count: u32::try_from(photos.len()).unwrap_or(u32::MAX),
        text: post.body,
    }))
}

/// A text of at most `MAX_TEXT` characters, trimmed.
fn checked_text(field: &str, text: &str, required: bool) -> Result<String, ApiError> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT {
        return Err(ApiError::invalid(field, "too_long"));
    }
    if required && text.is_empty() {
        return Err(ApiError::invalid(field, "required"));
    }
    Ok(text.to_owned())
}

/// Photos one user may upload per hour (posted or not).
const UPLOADS_PER_HOUR: crate::services::limits::Limit =
    crate::services::limits::Limit::new(120, 60 * 60);

/// Stores a photo for the composer; it is the uploader's alone until it is posted. Uploads
/// never posted are removed after a day (`MediaStore::sweep`).
pub async fn upload(
    state: &AppState,
    access: &ClientAccess,
    body: actix_web::web::Bytes,
) -> Result<Photo, ApiError> {
    let uploader = access.link.user_id;
    crate::services::limits::hit(
        &state.db,
        &format!("media-upload:{uploader}"),
        UPLOADS_PER_HOUR,
    )
    .await?;
    let processed = state.media.process(body).await?;
    let photo = state
        .media
        .write(
            processed,
            access.client.id,
            Some(uploader),
            media::Purpose::Pinboard,
        )
        .await?;
    // Counted and stored in one write transaction (the uploader's row locked on PostgreSQL):
    // parallel uploads cannot all pass the count.
    let txn = crate::db::begin_write(&state.db).await?;
    user::Entity::find_by_id(uploader)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let waiting = media::Entity::find()
        .filter(media::Column::UploadedBy.eq(uploader))
        .filter(media::Column::ClientId.eq(access.client.id))
        .filter(media::Column::PostId.is_null())
        .filter(media::Column::Purpose.eq(media::Purpose::Pinboard))
        .count(&txn)
        .await?;
    if waiting >= MAX_WAITING_UPLOADS {
        drop(txn);
        state.media.forget(std::slice::from_ref(&photo)).await;
        return Err(ApiError::invalid("file", "too_many_waiting"));
    }
    let active: media::ActiveModel = photo.clone().into();
    active.insert(&txn).await?;
    txn.commit().await?;
    Ok(photo_of(&photo))
}

/// Removes the user's own uploaded photo that is not posted, or attachment that is not sent
/// (*Weghalen* in the composer); a posted photo goes with its post. 404 for anything else.
pub async fn remove_upload(
    state: &AppState,
    account: &user::Model,
    photo_id: Uuid,
) -> Result<(), ApiError> {
    let own_unposted = || {
        media::Entity::find_by_id(photo_id)
            .filter(media::Column::UploadedBy.eq(account.id))
            .filter(media::Column::PostId.is_null())
            .filter(media::Column::MessageId.is_null())
            .filter(
                media::Column::Purpose.is_in([media::Purpose::Pinboard, media::Purpose::Message]),
            )
    };
    let photo = own_unposted()
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Deleted only while still unposted: a post may claim it at this very moment.
    let gone = media::Entity::delete_many()
        .filter(media::Column::Id.eq(photo.id))
        .filter(media::Column::PostId.is_null())
        .filter(media::Column::MessageId.is_null())
        .exec(&state.db)
        .await?;
    if gone.rows_affected != 1 {
        return Err(ApiError::NotFound);
    }
    state.media.forget(std::slice::from_ref(&photo)).await;
    Ok(())
}

/// Posts on the pinboard: text, photos from the viewer's uploads, and (only the client) a
/// mood. Everyone else in the network with Gegevens gets a notification unless they switched
/// those off for this client.
pub async fn create(
    state: &AppState,
    access: &ClientAccess,
    input: PostInput,
) -> Result<Post, ApiError> {
    let text = checked_text("text", &input.text, false)?;
    let mut errors = Vec::new();
    if input.mood.is_some() && access.link.relationship != Relationship::Client {
        errors.push(("mood", "client_only"));
    }
    if input.photos.len() > MAX_PHOTOS {
        errors.push(("photos", "too_many"));
    }
    let mut seen = std::collections::HashSet::new();
    if !input.photos.iter().all(|id| seen.insert(*id)) {
        errors.push(("photos", "duplicate"));
    }
    if text.is_empty() && input.photos.is_empty() && input.mood.is_none() {
        errors.push(("text", "required"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(
            errors
                .into_iter()
                .map(|(field, code)| kring_shared::FieldError {
                    field: field.to_owned(),
                    code: code.to_owned(),
                })
                .collect(),
        ));
    }
    let author = access.link.user_id;
    let client_id = access.client.id;
    let txn = crate::db::begin_write(&state.db).await?;
    let post = pinboard_post::ActiveModel {
        id: Set(Uuid::new_v4()),
        client_id: Set(client_id),
        author_id: Set(author),
        body: Set(text),
        mood: Set(input.mood.map(|mood: Mood| {
            let name: &'static str = mood.into();
            name.to_owned()
        })),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    for (position, photo_id) in input.photos.iter().enumerate() {
        // Claimed in one statement: only the uploader's own, unposted photo of this client, so
        // two posts racing for one photo cannot both have it.
        let claimed = media::Entity::update_many()
            .col_expr(media::Column::PostId, Expr::value(post.id))
            .col_expr(
                media::Column::Position,
                Expr::value(i32::try_from(position).unwrap_or(0)),
            )
            .filter(media::Column::Id.eq(*photo_id))
            .filter(media::Column::ClientId.eq(client_id))
            .filter(media::Column::UploadedBy.eq(author))
            .filter(media::Column::Purpose.eq(media::Purpose::Pinboard))
            .filter(media::Column::PostId.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            return Err(ApiError::invalid("photos", "unknown_photo"));
        }
    }
    let recipients = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .filter(client_contact::Column::InvitationState.eq(InvitationState::Accepted))
        .filter(client_contact::Column::PermDetails.eq(true))
        .filter(client_contact::Column::PinboardNotifications.eq(true))
        .filter(client_contact::Column::UserId.ne(author))
        .find_also_related(user::Entity)
        .all(&txn)
        .await?;
    for (link, person) in recipients {
        if person.is_some_and(|person| person.kind != AccountKind::CareWorker) {
            notifications::notify(
                &txn,
                link.user_id,
                NewNotification {
                    kind: NotificationKind::PinboardPost,
                    client_id: Some(client_id),
                    contact_id: None,
                    from_user_id: Some(author),
                    entry_id: Some(post.id),
                },
            )
            .await?;
        }
    }
    let shown = posts_of(&txn, access, vec![post]).await?;
    txn.commit().await?;
    state.events.publish(LiveEvent::pinboard(client_id));
    shown.into_iter().next().ok_or(ApiError::NotFound)
}

/// Deletes a post with its photos, replies and responses (author or portal administrator).
pub async fn delete(
    state: &AppState,
    access: &ClientAccess,
    post_id: Uuid,
) -> Result<(), ApiError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let post = find_post(&txn, access, post_id).await?;
    if !may_delete(access, post.author_id) {
        return Err(ApiError::Forbidden(
            "Only the writer or a portal administrator can delete this.".to_owned(),
        ));
    }
    let photos = media::Entity::find()
        .filter(media::Column::PostId.eq(post.id))
        .all(&txn)
        .await?;
    media::Entity::delete_many()
        .filter(media::Column::PostId.eq(post.id))
        .exec(&txn)
        .await?;
    pinboard_reply::Entity::delete_many()
        .filter(pinboard_reply::Column::PostId.eq(post.id))
        .exec(&txn)
        .await?;
    pinboard_response::Entity::delete_many()
        .filter(pinboard_response::Column::PostId.eq(post.id))
        .exec(&txn)
        .await?;
    crate::entities::notification::Entity::delete_many()
        .filter(crate::entities::notification::Column::EntryId.eq(post.id))
        .exec(&txn)
        .await?;
    pinboard_post::Entity::delete_by_id(post.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    state.media.forget(&photos).await;
    state.events.publish(LiveEvent::pinboard(access.client.id));
    Ok(())
}

/// Adds a reply under a post.
pub async fn reply(
    state: &AppState,
    access: &ClientAccess,
    post_id: Uuid,
    text: &str,
) -> Result<Reply, ApiError> {
    let text = checked_text("text", text, true)?;
    let post = find_post(&state.db, access, post_id).await?;
    let reply = pinboard_reply::ActiveModel {
        id: Set(Uuid::new_v4()),
        post_id: Set(post.id),
        author_id: Set(access.link.user_id),
        body: Set(text),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await?;
    state.events.publish(LiveEvent::pinboard(access.client.id));
    let author = authors(&state.db, access.client.id, [reply.author_id])
        .await?
        .remove(&reply.author_id)
        .unwrap_or_else(|| unknown_author(reply.author_id));
    Ok(Reply {
        id: reply.id,
        author,
        created_at: reply.created_at,
        text: reply.body,
        may_delete: true,
    })
}

/// Deletes a reply (its author or a portal administrator).
pub async fn delete_reply(
    state: &AppState,
    access: &ClientAccess,
    post_id: Uuid,
    reply_id: Uuid,
) -> Result<(), ApiError> {
    let post = find_post(&state.db, access, post_id).await?;
    let reply = pinboard_reply::Entity::find_by_id(reply_id)
        .filter(pinboard_reply::Column::PostId.eq(post.id))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !may_delete(access, reply.author_id) {
        return Err(ApiError::Forbidden(
            "Only the writer or a portal administrator can delete this.".to_owned(),
        ));
    }
    pinboard_reply::Entity::delete_by_id(reply.id)
        .exec(&state.db)
        .await?;
    state.events.publish(LiveEvent::pinboard(access.client.id));
    Ok(())
}

/// Gives (`on`) or takes back an emoji response; giving one twice is the same as once.
pub async fn respond(
    state: &AppState,
    access: &ClientAccess,
    post_id: Uuid,
    emoji: Emoji,
    on: bool,
) -> Result<Post, ApiError> {
    let post = find_post(&state.db, access, post_id).await?;
    let name: &'static str = emoji.into();
    if on {
        pinboard_response::Entity::insert(pinboard_response::ActiveModel {
            id: Set(Uuid::new_v4()),
            post_id: Set(post.id),
            user_id: Set(access.link.user_id),
            emoji: Set(name.to_owned()),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([
                pinboard_response::Column::PostId,
                pinboard_response::Column::UserId,
                pinboard_response::Column::Emoji,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&state.db)
        .await?;
    } else {
        pinboard_response::Entity::delete_many()
            .filter(pinboard_response::Column::PostId.eq(post.id))
            .filter(pinboard_response::Column::UserId.eq(access.link.user_id))
            .filter(pinboard_response::Column::Emoji.eq(name))
            .exec(&state.db)
            .await?;
    }
    state.events.publish(LiveEvent::pinboard(access.client.id));
    posts_of(&state.db, access, vec![post])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// Switches the pinboard notifications of one client for the viewer.
pub async fn set_notifications(
    db: &DatabaseConnection,
    link: client_contact::Model,
    on: bool,
) -> Result<(), ApiError> {
    let mut active: client_contact::ActiveModel = link.into();
    active.pinboard_notifications = Set(on);
    active.update(db).await?;
    Ok(())
}

/// Who may see a stored photo: the viewer's account and what it is for.
pub async fn may_see_photo(
    db: &DatabaseConnection,
    account: &user::Model,
    photo: &media::Model,
) -> Result<bool, ApiError> {
    match photo.purpose {
        media::Purpose::Message => {
            crate::services::messages::may_see_attachment(db, account, photo).await
        }
        media::Purpose::Pinboard => {
            let Ok(access) =
                crate::services::details::details_access(db, account, photo.client_id).await
            else {
                return Ok(false);
            };
            Ok(match photo.post_id {
                Some(_) => true,
                None => photo.uploaded_by == Some(access.link.user_id),
            })
        }
        media::Purpose::ClientPhoto => {
            if crate::services::policy::client_access(db, account, photo.client_id)
                .await
                .is_ok()
            {
                return Ok(true);
            }
            let client = crate::entities::client::Entity::find_by_id(photo.client_id)
                .one(db)
                .await?;
            let Some(client) = client else {
                return Ok(false);
            };
            if client.organisation_id != account.organisation_id {
                return Ok(false);
            }
            if account.kind == AccountKind::OrganisationAdmin {
                return Ok(true);
            }
            Ok(account.kind == AccountKind::CareWorker
                && crate::entities::care_team_member::Entity::find()
                    .filter(crate::entities::care_team_member::Column::ClientId.eq(client.id))
                    .filter(crate::entities::care_team_member::Column::CareWorkerId.eq(account.id))
                    .one(db)
                    .await?
                    .is_some())
        }
    }
}
