//! *Berichten*: conversations of a client's network and care team, attachments, the archive,
//! the care worker's inbox and absence, the unread count and the e-mail choice, and the ECD's
//! answers on a care worker's behalf.

use actix_web::{HttpResponse, delete, get, post, put, web};
use kring_shared::{
    integration::Scope,
    messages::{
        Absence, AnswerInput, Attachment, Conversation, ConversationPage, EcdReply, InboxBox,
        Message, MessageMailSetting, NewConversation, RecipientOptions, UnreadCount,
    },
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::dossier::reader;
use crate::openapi::responses::{
    AttachmentTooLarge, ConversationRefused, MessageLimit, NeedsMessagesWrite, NoApiKey,
    NoMessagesAccess, NoSuchClient, NoSuchConversation, NotAnAttachment, NotCareWorker,
    ServerError, Unauthenticated, UploadLimit, ValidationFailed,
};
use crate::{
    auth::{AuthUser, Integrator},
    entities::user,
    error::ApiError,
    services::{
        media,
        messages::{self, ListQuery},
        security_log::ClientInfo,
    },
    state::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(recipients)
        .service(list)
        .service(start)
        .service(open)
        .service(reply)
        .service(archive)
        .service(unarchive)
        .service(upload)
        .service(inbox)
        .service(get_absence)
        .service(set_absence)
        .service(end_absence)
        .service(unread)
        .service(get_mail)
        .service(set_mail)
        .service(ecd_reply);
}

/// Whom the user may write to about this client: network members with Berichten (accepted) and
/// — when the organisation lets this user write to care — the care team's members, each with
/// an absence when they are away now or within two weeks; and the answer time care promises.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "Whom the user may write to", body = RecipientOptions),
        Unauthenticated,
        ConversationRefused,
        NoSuchClient,
        ServerError,
    )
)]
#[get("/clients/{client_id}/messages/recipients")]
async fn recipients(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
) -> Result<web::Json<RecipientOptions>, ApiError> {
    let viewer = messages::viewer(&state.db, &auth.user, *client_id).await?;
    Ok(web::Json(messages::recipients(&state.db, &viewer).await?))
}

/// How to list conversations.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// The user's archive instead of the inbox (default false).
    archived: Option<bool>,
    /// Only conversations whose subject or a message contains this (case-insensitive, at
    /// most 100 characters).
    q: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Conversations per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

impl ListParams {
    fn query(&self) -> ListQuery<'_> {
        ListQuery {
            archived: self.archived.unwrap_or(false),
            search: self.q.as_deref(),
            cursor: self.cursor.as_deref(),
            limit: self.limit,
        }
    }
}

/// The user's conversations about this client, newest first, keyset-paged; `unread` counts
/// every unread message of the list (not only this page). A network member sees the
/// conversations they are in; a care worker of the client's team also those addressed to the
/// team.
///
/// Refused with 422: `cursor` `invalid_cursor`, `q` `too_long`, `limit` `out_of_range`.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id"), ListParams),
    responses(
        (status = 200, description = "A page of conversations", body = ConversationPage),
        Unauthenticated,
        NoMessagesAccess,
        NoSuchClient,
        ValidationFailed,
        ServerError,
    )
)]
#[get("/clients/{client_id}/conversations")]
async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    params: web::Query<ListParams>,
) -> Result<web::Json<ConversationPage>, ApiError> {
    let viewer = messages::viewer(&state.db, &auth.user, *client_id).await?;
    let reader = reader(&auth, &origin);
    Ok(web::Json(
        messages::list(&state.db, &viewer, &reader, &params.query()).await?,
    ))
}

/// *Nieuw bericht*: a conversation with network members (`people`: users with Berichten for
/// this client) and/or the care team (`people`: care workers of the client's team, or
/// `care_team`: the whole team) — care only where the organisation lets this user write to
/// care. A message to a care worker who is away goes to the whole team too. Every recipient
/// gets a notification (and an e-mail without the content, if they chose that); a message to
/// care is in the integration feed. Everything is written at once or not at all.
///
/// Refused with 422: `recipients` `required`, `not_allowed` (not in the network with
/// Berichten, not in the care team, or the user themself), `care_not_allowed`; `subject`
/// `required`, `too_long` (150); `text` `required`, `too_long` (5000); `attachments`
/// `too_many` (5), `duplicate`, `unknown_attachment` (not the user's own unsent upload for this
/// client).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = NewConversation,
    responses(
        (status = 201, description = "The new conversation", body = Conversation),
        Unauthenticated,
        ConversationRefused,
        NoSuchClient,
        ValidationFailed,
        MessageLimit,
        ServerError,
    )
)]
#[post("/clients/{client_id}/conversations")]
async fn start(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    body: web::Json<NewConversation>,
) -> Result<HttpResponse, ApiError> {
    let viewer = messages::viewer(&state.db, &auth.user, *client_id).await?;
    let reader = reader(&auth, &origin);
    let created = messages::start(&state, &viewer, &reader, &body).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Where to start reading a conversation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct OpenParams {
    /// `earlier_cursor` of the previous answer: the 50 messages before it.
    before: Option<String>,
}

/// A conversation with its latest 50 messages, oldest first (`before` pages back). Opening it
/// marks its messages read for the user; a care worker opening it counts as the care team
/// having read the network's messages (their read receipts). Reading a conversation with care
/// is recorded in the access log.
///
/// Refused with 422: `before` `invalid_cursor`.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("conversation_id" = Uuid, Path, description = "The conversation's id"),
        OpenParams,
    ),
    responses(
        (status = 200, description = "The conversation", body = Conversation),
        Unauthenticated,
        NoMessagesAccess,
        NoSuchConversation,
        ValidationFailed,
        ServerError,
    )
)]
#[get("/clients/{client_id}/conversations/{conversation_id}")]
async fn open(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    path: web::Path<(Uuid, Uuid)>,
    params: web::Query<OpenParams>,
) -> Result<web::Json<Conversation>, ApiError> {
    let (client_id, conversation_id) = path.into_inner();
    let viewer = messages::viewer(&state.db, &auth.user, client_id).await?;
    let reader = reader(&auth, &origin);
    Ok(web::Json(
        messages::open(
            &state.db,
            &viewer,
            &reader,
            conversation_id,
            params.before.as_deref(),
        )
        .await?,
    ))
}

/// An answer to everyone in the conversation. A care worker answering from the team inbox
/// joins it, so the network sees who answered. Messages are never edited.
///
/// Refused with 422: `text` `required`, `too_long`; `attachments` `too_many`, `duplicate`,
/// `unknown_attachment`.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("conversation_id" = Uuid, Path, description = "The conversation's id"),
    ),
    request_body = AnswerInput,
    responses(
        (status = 201, description = "The message sent", body = Message),
        Unauthenticated,
        NoMessagesAccess,
        NoSuchConversation,
        ValidationFailed,
        MessageLimit,
        ServerError,
    )
)]
#[post("/clients/{client_id}/conversations/{conversation_id}/messages")]
async fn reply(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<AnswerInput>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, conversation_id) = path.into_inner();
    let viewer = messages::viewer(&state.db, &auth.user, client_id).await?;
    let reader = reader(&auth, &origin);
    let sent = messages::reply(&state, &viewer, &reader, conversation_id, &body).await?;
    Ok(HttpResponse::Created().json(sent))
}

/// Archives the conversation for the user only; a new message brings it back.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("conversation_id" = Uuid, Path, description = "The conversation's id"),
    ),
    responses(
        (status = 204, description = "Archived"),
        Unauthenticated,
        NoMessagesAccess,
        NoSuchConversation,
        ServerError,
    )
)]
#[put("/clients/{client_id}/conversations/{conversation_id}/archive")]
async fn archive(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, conversation_id) = path.into_inner();
    let viewer = messages::viewer(&state.db, &auth.user, client_id).await?;
    messages::set_archived(&state.db, &viewer, conversation_id, true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes the conversation back into the user's inbox.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("conversation_id" = Uuid, Path, description = "The conversation's id"),
    ),
    responses(
        (status = 204, description = "Back in the inbox"),
        Unauthenticated,
        NoMessagesAccess,
        NoSuchConversation,
        ServerError,
    )
)]
#[delete("/clients/{client_id}/conversations/{conversation_id}/archive")]
async fn unarchive(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, conversation_id) = path.into_inner();
    let viewer = messages::viewer(&state.db, &auth.user, client_id).await?;
    messages::set_archived(&state.db, &viewer, conversation_id, false).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The name of an uploaded file.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadParams {
    /// The file's name as the user chose it (cleaned; a photo's becomes `.jpg`).
    name: Option<String>,
}

/// Uploads one attachment for a message being written, as the raw request body: a PDF (kept
/// as it is, always served as a download) or a JPEG, PNG or WebP photo (turned upright and
/// stored as JPEG without its metadata — location, camera). What it is is read from the bytes,
/// not from `Content-Type`. It is the uploader's alone until a message claims it; unsent
/// uploads go after a day. Remove one with `DELETE /api/media/{id}`.
///
/// Refused with 422: `file` `too_many_pixels`, `unreadable`, `too_many_waiting` (30 unsent).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses(
        (status = 201, description = "The stored attachment", body = Attachment),
        Unauthenticated,
        NoMessagesAccess,
        NoSuchClient,
        AttachmentTooLarge,
        NotAnAttachment,
        ValidationFailed,
        UploadLimit,
        ServerError,
    )
)]
#[post("/clients/{client_id}/messages/attachments")]
async fn upload(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    params: web::Query<UploadParams>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let viewer = messages::viewer(&state.db, &auth.user, *client_id).await?;
    let _slot = state.media.upload_slot()?;
    let bytes = media::read_body(body, state.media.max_upload_bytes).await?;
    let stored =
        messages::upload_attachment(&state, &viewer, params.name.as_deref(), bytes).await?;
    Ok(HttpResponse::Created().json(stored))
}

/// Which inbox.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct InboxParams {
    /// `personal` (default): conversations the care worker is in; `team`: those addressed to
    /// (or raised to) one of their care teams.
    #[param(inline)]
    r#box: Option<InboxBox>,
    archived: Option<bool>,
    q: Option<String>,
    cursor: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

/// The care worker's inbox over every client of their care teams, newest first; each
/// conversation names its client. A conversation nobody in the team read in time is
/// `overdue`.
///
/// Refused with 422: `cursor` `invalid_cursor`, `q` `too_long`, `limit` `out_of_range`.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(InboxParams),
    responses(
        (status = 200, description = "A page of conversations", body = ConversationPage),
        Unauthenticated,
        NotCareWorker,
        ValidationFailed,
        ServerError,
    )
)]
#[get("/care/inbox")]
async fn inbox(
    state: web::Data<AppState>,
    auth: AuthUser,
    params: web::Query<InboxParams>,
) -> Result<web::Json<ConversationPage>, ApiError> {
    let query = ListQuery {
        archived: params.archived.unwrap_or(false),
        search: params.q.as_deref(),
        cursor: params.cursor.as_deref(),
        limit: params.limit,
    };
    Ok(web::Json(
        messages::inbox(
            &state.db,
            &auth.user,
            params.r#box.unwrap_or_default(),
            &query,
        )
        .await?,
    ))
}

/// The care worker's absence, or `null` when none is set (or it is over).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The absence, or null", body = Option<Absence>),
        Unauthenticated,
        NotCareWorker,
        ServerError,
    )
)]
#[get("/me/absence")]
async fn get_absence(auth: AuthUser) -> Result<web::Json<Option<Absence>>, ApiError> {
    Ok(web::Json(messages::absence(&auth.user).await?))
}

/// Sets the care worker's absence (it replaces an earlier one). While they are away, a writer
/// sees it before sending and messages to them go to the whole care team too.
///
/// Refused with 422: `until` `before_from`, `in_past`, `too_long` (over a year); `note`
/// `too_long` (300).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = Absence,
    responses(
        (status = 200, description = "Saved", body = Absence),
        Unauthenticated,
        NotCareWorker,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/me/absence")]
async fn set_absence(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: web::Json<Absence>,
) -> Result<web::Json<Absence>, ApiError> {
    Ok(web::Json(
        messages::set_absence(&state.db, &auth.user, &body).await?,
    ))
}

/// Ends the care worker's absence.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "No absence any more"),
        Unauthenticated,
        NotCareWorker,
        ServerError,
    )
)]
#[delete("/me/absence")]
async fn end_absence(state: web::Data<AppState>, auth: AuthUser) -> Result<HttpResponse, ApiError> {
    messages::end_absence(&state.db, &auth.user).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Unread messages over every client the user reads messages of (the info bar's count).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The count", body = UnreadCount),
        Unauthenticated,
        ServerError,
    )
)]
#[get("/me/messages/unread")]
async fn unread(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<UnreadCount>, ApiError> {
    Ok(web::Json(UnreadCount {
        unread: messages::unread_total(&state.db, &auth.user).await?,
    }))
}

/// Whether a new message is also announced by e-mail (on by default). The e-mail never holds
/// the message, its subject or its writer.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The choice", body = MessageMailSetting),
        Unauthenticated,
        ServerError,
    )
)]
#[get("/me/message-mail")]
async fn get_mail(auth: AuthUser) -> web::Json<MessageMailSetting> {
    web::Json(MessageMailSetting {
        enabled: auth.user.message_mail,
    })
}

/// Switches the e-mail for a new message on or off.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = MessageMailSetting,
    responses(
        (status = 200, description = "Saved", body = MessageMailSetting),
        Unauthenticated,
        ServerError,
    )
)]
#[put("/me/message-mail")]
async fn set_mail(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: web::Json<MessageMailSetting>,
) -> Result<web::Json<MessageMailSetting>, ApiError> {
    let mut active: user::ActiveModel = auth.user.clone().into();
    active.message_mail = Set(body.enabled);
    active.update(&state.db).await?;
    Ok(web::Json(body.into_inner()))
}

/// A care worker's answer written in the ECD, to a conversation with care from the feed
/// (`message.conversation_id` of a `message` item). `message_id` is the ECD's own id of the
/// answer: sending it again answers the stored message with 200 and stores nothing. The care
/// worker (`care_worker_id`, the ECD's id) must be in the client's care team; the network sees
/// their name, marked as sent through the ECD. Scope `messages:write`.
///
/// Refused with 422: `care_worker_id` `unknown`, `not_in_care_team`; `text` `required`,
/// `too_long`; `sent_at` `in_future`; `message_id` `invalid`, `used_elsewhere` (that id answers
/// another conversation).
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD", example = "CL-1001"),
        ("conversation_id" = Uuid, Path, description = "Kring's id of the conversation"),
        ("message_id" = String, Path, description = "The ECD's id of the answer", example = "ANS-88121"),
    ),
    request_body = EcdReply,
    responses(
        (status = 200, description = "Already stored: the stored message", body = Message),
        (status = 201, description = "Sent", body = Message),
        NoApiKey,
        NeedsMessagesWrite,
        NoSuchConversation,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/integration/clients/{client_id}/conversations/{conversation_id}/messages/{message_id}")]
async fn ecd_reply(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, Uuid, String)>,
    body: web::Json<EcdReply>,
) -> Result<HttpResponse, ApiError> {
    integrator.require(Scope::MessagesWrite)?;
    let (client_id, conversation_id, message_id) = path.into_inner();
    let (sent, created) = messages::ecd_reply(
        &state,
        &integrator.organisation,
        &client_id,
        conversation_id,
        &message_id,
        &body,
    )
    .await?;
    Ok(if created {
        HttpResponse::Created().json(sent)
    } else {
        HttpResponse::Ok().json(sent)
    })
}
