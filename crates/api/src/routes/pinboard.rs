//! *Gegevens* and *Prikbord*: the client's details, the pinboard with its photos, moods,
//! replies and emoji responses, the media endpoint every photo is served from, and the
//! user's sharing and notification choices.

use actix_web::{HttpRequest, HttpResponse, delete, get, http::header, post, put, web};
use kring_shared::{
    details::{ClientDetails, ClientNotificationSetting, SharingSetting},
    pinboard::{Emoji, Photo, PinboardPage, Post, PostInput, Reply, ReplyInput},
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::openapi::responses::{
    NoDetailsAccess, NoSuchClient, NoSuchPhoto, NotAPhoto, NotFound, NotInNetwork, PhotoTooLarge,
    PinboardDeleteRefused, ServerError, Unauthenticated, UploadLimit, ValidationFailed,
};
use crate::{
    auth::AuthUser,
    entities::{media as media_entity, user},
    error::ApiError,
    services::{self, details::details_access, media, pinboard, security_log::ClientInfo},
    state::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(details)
        .service(list)
        .service(create)
        .service(one)
        .service(remove)
        .service(add_reply)
        .service(remove_reply)
        .service(give_emoji)
        .service(take_emoji)
        .service(upload)
        .service(serve_photo)
        .service(remove_photo)
        .service(set_sharing)
        .service(set_notifications);
}

/// Every tab of *Gegevens*: *Cliëntgegevens* (name, date of birth, address, phone as the ECD
/// sent them; never a BSN), *Contactpersonen* (the network, with e-mail and mobile only of
/// those who chose to share them), *Zorgteam* (care role and photo), GP, pharmacy and insurance.
/// Needs the Gegevens permission.
#[utoipa::path(
    tag = "details",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The client's details", body = ClientDetails),
        Unauthenticated,
        NoDetailsAccess,
        NoSuchClient,
        ServerError,
    )
)]
#[get("/clients/{client_id}/details")]
async fn details(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
) -> Result<web::Json<ClientDetails>, ApiError> {
    let access = details_access(&state.db, &auth.user, *client_id).await?;
    Ok(web::Json(
        services::details::load(&state.db, &access).await?,
    ))
}

/// A page of the pinboard.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// The `next_cursor` of the previous page (opaque).
    #[param(min_length = 1)]
    pub cursor: Option<String>,
    /// Posts per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// The pinboard, newest first, with each post's photos, replies (oldest first) and emoji
/// responses. For the client's network with Gegevens; never for the care team. 422: `cursor`
/// (`invalid_cursor`), `limit` (`out_of_range`).
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id"), PageParams),
    responses(
        (status = 200, description = "A page of posts", body = PinboardPage),
        Unauthenticated,
        NoDetailsAccess,
        NoSuchClient,
        ValidationFailed,
        ServerError,
    )
)]
#[get("/clients/{client_id}/pinboard")]
async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    params: web::Query<PageParams>,
) -> Result<web::Json<PinboardPage>, ApiError> {
    let access = details_access(&state.db, &auth.user, *client_id).await?;
    if params
        .limit
        .is_some_and(|limit| !(1..=100).contains(&limit))
    {
        return Err(ApiError::invalid("limit", "out_of_range"));
    }
    Ok(web::Json(
        pinboard::list(&state.db, &access, params.cursor.as_deref(), params.limit).await?,
    ))
}

/// Posts on the pinboard: text (at most 2000 characters), up to 10 photos uploaded first with
/// `POST /api/clients/{client_id}/media`, and — only the client — a mood. Everyone else in the
/// network with Gegevens gets a notification, unless they switched those off for this client.
/// 422: `text` (`required` when there is no photo or mood, `too_long`), `mood` (`client_only`),
/// `photos` (`too_many`, `duplicate`, `unknown_photo`: not the user's own unposted upload for
/// this client); a value that does not fit its type names its field with `invalid`.
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = PostInput,
    responses(
        (status = 201, description = "The post", body = Post),
        Unauthenticated,
        NoDetailsAccess,
        NoSuchClient,
        ValidationFailed,
        ServerError,
    )
)]
#[post("/clients/{client_id}/pinboard")]
async fn create(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let access = details_access(&state.db, &auth.user, *client_id).await?;
    let input: PostInput = crate::validation::typed(body.into_inner(), "")?;
    let post = pinboard::create(&state, &access, input).await?;
    Ok(HttpResponse::Created().json(post))
}

/// One post.
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("post_id" = Uuid, Path, description = "The post's id"),
    ),
    responses(
        (status = 200, description = "The post", body = Post),
        Unauthenticated,
        NoDetailsAccess,
        NotFound,
        ServerError,
    )
)]
#[get("/clients/{client_id}/pinboard/{post_id}")]
async fn one(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<Post>, ApiError> {
    let (client_id, post_id) = path.into_inner();
    let access = details_access(&state.db, &auth.user, client_id).await?;
    Ok(web::Json(pinboard::one(&state.db, &access, post_id).await?))
}

/// Deletes a post with its photos, replies and emoji responses: its writer or a portal
/// administrator.
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("post_id" = Uuid, Path, description = "The post's id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        Unauthenticated,
        PinboardDeleteRefused,
        NotFound,
        ServerError,
    )
)]
#[delete("/clients/{client_id}/pinboard/{post_id}")]
async fn remove(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, post_id) = path.into_inner();
    let access = details_access(&state.db, &auth.user, client_id).await?;
    pinboard::delete(&state, &access, post_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a reply under a post. 422: `text` (`required`, `too_long`).
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("post_id" = Uuid, Path, description = "The post's id"),
    ),
    request_body = ReplyInput,
    responses(
        (status = 201, description = "The reply", body = Reply),
        Unauthenticated,
        NoDetailsAccess,
        NotFound,
        ValidationFailed,
        ServerError,
    )
)]
#[post("/clients/{client_id}/pinboard/{post_id}/replies")]
async fn add_reply(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, post_id) = path.into_inner();
    let access = details_access(&state.db, &auth.user, client_id).await?;
    let input: ReplyInput = crate::validation::typed(body.into_inner(), "")?;
    let reply = pinboard::reply(&state, &access, post_id, &input.text).await?;
    Ok(HttpResponse::Created().json(reply))
}

/// Deletes a reply: its writer or a portal administrator.
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("post_id" = Uuid, Path, description = "The post's id"),
        ("reply_id" = Uuid, Path, description = "The reply's id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        Unauthenticated,
        PinboardDeleteRefused,
        NotFound,
        ServerError,
    )
)]
#[delete("/clients/{client_id}/pinboard/{post_id}/replies/{reply_id}")]
async fn remove_reply(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, post_id, reply_id) = path.into_inner();
    let access = details_access(&state.db, &auth.user, client_id).await?;
    pinboard::delete_reply(&state, &access, post_id, reply_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives an emoji response to a post (giving it again changes nothing); answers the post.
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("post_id" = Uuid, Path, description = "The post's id"),
        ("emoji" = Emoji, Path, description = "Which emoji"),
    ),
    responses(
        (status = 200, description = "The post", body = Post),
        Unauthenticated,
        NoDetailsAccess,
        NotFound,
        ServerError,
    )
)]
#[put("/clients/{client_id}/pinboard/{post_id}/emoji/{emoji}")]
async fn give_emoji(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid, Emoji)>,
) -> Result<web::Json<Post>, ApiError> {
    let (client_id, post_id, emoji) = path.into_inner();
    let access = details_access(&state.db, &auth.user, client_id).await?;
    Ok(web::Json(
        pinboard::respond(&state, &access, post_id, emoji, true).await?,
    ))
}

/// Takes back the user's emoji response; answers the post.
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("post_id" = Uuid, Path, description = "The post's id"),
        ("emoji" = Emoji, Path, description = "Which emoji"),
    ),
    responses(
        (status = 200, description = "The post", body = Post),
        Unauthenticated,
        NoDetailsAccess,
        NotFound,
        ServerError,
    )
)]
#[delete("/clients/{client_id}/pinboard/{post_id}/emoji/{emoji}")]
async fn take_emoji(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid, Emoji)>,
) -> Result<web::Json<Post>, ApiError> {
    let (client_id, post_id, emoji) = path.into_inner();
    let access = details_access(&state.db, &auth.user, client_id).await?;
    Ok(web::Json(
        pinboard::respond(&state, &access, post_id, emoji, false).await?,
    ))
}

/// Uploads one photo for a pinboard post: the body is the file (JPEG, PNG or WebP; what it is
/// is read from its bytes, not from `Content-Type`), at most 15 MB (configurable) and 50
/// million pixels (and 256 MB decoded). It is turned upright by its EXIF orientation and stored
/// re-encoded as JPEG without any metadata (no GPS position, camera or date), at most 1600 px,
/// with a 320 px thumbnail. Only the uploader sees it until it is posted; unposted uploads go
/// after a day. 120 uploads per user per hour, and 8 at once for the whole server: 429 with
/// `Retry-After`. 422: `file` (`required`, `too_many_pixels`, `unreadable`,
/// `too_many_waiting`: 30 unposted photos).
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body(content = Vec<u8>, content_type = "image/*", description = "The photo file"),
    responses(
        (status = 201, description = "The stored photo", body = Photo),
        Unauthenticated,
        NoDetailsAccess,
        NoSuchClient,
        PhotoTooLarge,
        NotAPhoto,
        ValidationFailed,
        UploadLimit,
        ServerError,
    )
)]
#[post("/clients/{client_id}/media")]
async fn upload(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let access = details_access(&state.db, &auth.user, *client_id).await?;
    // A place among the uploads under way first: bodies waiting to be decoded cannot pile up.
    let _slot = state.media.upload_slot()?;
    let bytes = media::read_body(body, state.media.max_upload_bytes).await?;
    let stored = pinboard::upload(&state, &access, bytes).await?;
    Ok(HttpResponse::Created().json(stored))
}

/// A stored photo in one size, for whoever may see it: a pinboard photo for the client's
/// network with Gegevens (before it is posted, for its uploader only), a client's photo for
/// everyone linked to the client, its care team and the organisation's administrators.
/// `Content-Type` is what was stored (`image/jpeg`); `Cache-Control: private, no-cache` with an
/// `ETag`, so a browser asks again and gets 304 to a matching `If-None-Match`. Anyone else
/// gets 404, as if it did not exist.
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(
        ("photo_id" = Uuid, Path, description = "The photo's id"),
        ("size" = inline(media::Size), Path, description = "`display` or `thumbnail`"),
    ),
    responses(
        (status = 200, description = "The photo", content_type = "image/jpeg",
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (`If-None-Match` matched)"),
        Unauthenticated,
        NoSuchPhoto,
        ServerError,
    )
)]
#[get("/media/{photo_id}/{size}")]
async fn serve_photo(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    request: HttpRequest,
    path: web::Path<(Uuid, media::Size)>,
) -> Result<HttpResponse, ApiError> {
    let (photo_id, size) = path.into_inner();
    let stored = media_entity::Entity::find_by_id(photo_id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !pinboard::may_see_photo(&state.db, &auth.user, &stored).await? {
        return Err(ApiError::NotFound);
    }
    if stored.purpose == media_entity::Purpose::Message {
        let reader = super::dossier::reader(&auth, &origin);
        services::messages::record_attachment_read(&state.db, &reader, &stored).await?;
    }
    // A document has only its file; a photo only its two sizes.
    let document = stored.content_type == media::PDF;
    let etag = match size {
        media::Size::Display if !document => &stored.display_etag,
        media::Size::Thumbnail if !document => &stored.thumbnail_etag,
        media::Size::File if document => &stored.display_etag,
        _ => return Err(ApiError::NotFound),
    };
    // Kept by the browser only, and asked again each time (a cheap 304): someone who loses
    // access, or signs out on a shared tablet, does not keep seeing it from the cache.
    let cache = (header::CACHE_CONTROL, "private, no-cache");
    let matches = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    if matches {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag.clone()))
            .insert_header(cache)
            .finish());
    }
    let bytes = state.media.read(&stored, size).await?;
    // A document is always downloaded, never shown in the page's origin; its name is the
    // cleaned one stored with it.
    let disposition = header::ContentDisposition {
        disposition: if document {
            header::DispositionType::Attachment
        } else {
            header::DispositionType::Inline
        },
        parameters: stored
            .file_name
            .as_deref()
            .map(file_name)
            .unwrap_or_default(),
    };
    Ok(HttpResponse::Ok()
        .content_type(stored.content_type.clone())
        .insert_header((header::ETAG, etag.clone()))
        .insert_header(cache)
        .insert_header(disposition)
        .body(bytes))
}

/// `filename` in ASCII (others as `_`) for old browsers and, for a name that is not ASCII,
/// `filename*` in UTF-8 (RFC 6266).
fn file_name(name: &str) -> Vec<header::DispositionParam> {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let mut parameters = vec![header::DispositionParam::Filename(ascii)];
    if !name.is_ascii() {
        parameters.push(header::DispositionParam::FilenameExt(
            header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            },
        ));
    }
    parameters
}

/// Removes the user's own uploaded photo that is not posted yet (*Weghalen*), so it no longer
/// waits. A posted photo goes with its post; anything else is 404.
#[utoipa::path(
    tag = "pinboard",
    security(("bearer" = [])),
    params(("photo_id" = Uuid, Path, description = "The photo's id")),
    responses(
        (status = 204, description = "Removed"),
        Unauthenticated,
        NoSuchPhoto,
        ServerError,
    )
)]
#[delete("/media/{photo_id}")]
async fn remove_photo(
    state: web::Data<AppState>,
    auth: AuthUser,
    photo_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    pinboard::remove_upload(&state, &auth.user, *photo_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Whether the user's e-mail and mobile show under *Contactpersonen* in the networks they are
/// in (off by default).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = SharingSetting,
    responses(
        (status = 200, description = "Saved", body = SharingSetting),
        Unauthenticated,
        ServerError,
    )
)]
#[put("/me/sharing")]
async fn set_sharing(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: web::Json<SharingSetting>,
) -> Result<web::Json<SharingSetting>, ApiError> {
    let mut active: user::ActiveModel = auth.user.clone().into();
    active.share_contact_details = Set(body.share_contact_details);
    active.update(&state.db).await?;
    Ok(web::Json(body.into_inner()))
}

/// Which notifications the user wants for one client: a notification for each new pinboard
/// post (on by default).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = ClientNotificationSetting,
    responses(
        (status = 200, description = "Saved", body = ClientNotificationSetting),
        Unauthenticated,
        NotInNetwork,
        NoSuchClient,
        ServerError,
    )
)]
#[put("/me/clients/{client_id}/notifications")]
async fn set_notifications(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    body: web::Json<ClientNotificationSetting>,
) -> Result<web::Json<ClientNotificationSetting>, ApiError> {
    let access = services::policy::client_access(&state.db, &auth.user, *client_id).await?;
    pinboard::set_notifications(&state.db, access.link, body.pinboard).await?;
    Ok(web::Json(body.into_inner()))
}
