//! *Berichten*: conversations about one client between the people of its network with the
//! Berichten permission and, where the organisation allows it, the client's care team.
//!
//! Who sees a conversation: the people it is addressed to (`conversation_members`) while they
//! still have Berichten for the client (or, for care workers, a place in its care team), and —
//! when it is addressed to the care team (`to_team`) — everyone in that team. A message reaches
//! each reader as a receipt row; unread counts are counted from the receipts' index.
//! Reading a conversation with the care team is recorded in the access log.

mod care;
mod send;

use std::collections::{HashMap, HashSet};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use kring_shared::{
    PanelKind, Permission,
    admin::CareRole,
    dossier::{AccessAction, AccessObject},
    me::{AccountKind, Relationship},
    messages::{
        Attachment, Conversation, ConversationPage, ConversationSummary, LatestMessage, Message,
        Person, ReadReceipt,
    },
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, Query},
};
use uuid::Uuid;

pub use care::{
    absence, end_absence, escalate_overdue, inbox, is_absent, set_absence, spawn_worker,
    team_clients,
};
pub use send::{
    add_working_days, ecd_reply, recipients, reply, set_archived, start, upload_attachment,
};

use crate::{
    entities::{
        care_team_member, client, client_contact, conversation, conversation_archive,
        conversation_member, media, message, message_receipt, organisation, user,
    },
    error::ApiError,
    services::{
        access_log::{self, Reader},
        home::panel_enabled,
        media::{PDF, Size, url},
        policy::{self, ClientAccess},
    },
};

/// Conversations per page unless asked otherwise.
pub const PAGE: u64 = 20;
/// Messages per page of a conversation.
pub const MESSAGES_PAGE: u64 = 50;
/// Characters of a message shown in a list.
const PREVIEW: usize = 140;

/// Who reads this client's messages: a network member with Berichten, or a care worker in the
/// client's care team.
#[derive(Debug, Clone)]
pub enum Viewer {
    Contact(Box<ClientAccess>),
    Care {
        client: Box<client::Model>,
        organisation: Box<organisation::Model>,
        worker: Box<user::Model>,
    },
}

impl Viewer {
    pub fn user_id(&self) -> Uuid {
        match self {
            Viewer::Contact(access) => access.link.user_id,
            Viewer::Care { worker, .. } => worker.id,
        }
    }

    pub fn client(&self) -> &client::Model {
        match self {
            Viewer::Contact(access) => &access.client,
            Viewer::Care { client, .. } => client,
        }
    }

    pub fn organisation(&self) -> &organisation::Model {
        match self {
            Viewer::Contact(access) => &access.organisation,
            Viewer::Care { organisation, .. } => organisation,
        }
    }

    pub fn is_care(&self) -> bool {
        matches!(self, Viewer::Care { .. })
    }

    /// The relationship recorded in the access log.
    fn acting_as(&self) -> Relationship {
        match self {
            Viewer::Contact(access) => access.link.relationship,
            Viewer::Care { .. } => Relationship::Other,
        }
    }
}

fn switched_off() -> ApiError {
    ApiError::Forbidden("The organisation has switched Berichten off.".to_owned())
}

/// `account`'s access to `client_id`'s messages: 404 for an unknown client, 403 without
/// Berichten (or a place in the care team), or with the panel switched off.
pub async fn viewer(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
) -> Result<Viewer, ApiError> {
    if account.kind != AccountKind::CareWorker {
        let access = policy::client_access(db, account, client_id).await?;
        access.require(Permission::Messages)?;
        if !panel_enabled(&access.organisation, PanelKind::Messages) {
            return Err(switched_off());
        }
        return Ok(Viewer::Contact(Box::new(access)));
    }
    let client = client::Entity::find_by_id(client_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let not_in_team = || ApiError::Forbidden("You are not in this client's care team.".to_owned());
    if client.organisation_id != account.organisation_id {
        return Err(not_in_team());
    }
    care_team_member::Entity::find()
        .filter(care_team_member::Column::ClientId.eq(client_id))
        .filter(care_team_member::Column::CareWorkerId.eq(account.id))
        .one(db)
        .await?
        .ok_or_else(not_in_team)?;
    let organisation = organisation::Entity::find_by_id(client.organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("client without organisation"))?;
    if policy::access_ended(
        client.discharged_on,
        organisation.discharge_access_days,
        Utc::now().date_naive(),
    ) {
        return Err(not_in_team());
    }
    if !panel_enabled(&organisation, PanelKind::Messages) {
        return Err(switched_off());
    }
    Ok(Viewer::Care {
        client: Box::new(client),
        organisation: Box::new(organisation),
        worker: Box::new(account.clone()),
    })
}

/// Who may read this client's messages right now.
pub(crate) struct Readers {
    /// Network members with Berichten (accepted).
    pub network: HashSet<Uuid>,
    /// Care workers in the client's care team.
    pub care: HashSet<Uuid>,
}

/// Everyone who may read `client_id`'s messages now: nobody while Berichten is switched off or
/// after access ended with the discharge.
pub(crate) async fn readers(
    db: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_id: Uuid,
) -> Result<Readers, ApiError> {
    let mut readers = Readers {
        network: HashSet::new(),
        care: HashSet::new(),
    };
    let Some(found) = client::Entity::find_by_id(client_id).one(db).await? else {
        return Ok(readers);
    };
    if !panel_enabled(organisation, PanelKind::Messages)
        || policy::access_ended(
            found.discharged_on,
            organisation.discharge_access_days,
            Utc::now().date_naive(),
        )
    {
        return Ok(readers);
    }
    let links = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .filter(
            client_contact::Column::InvitationState
                .eq(kring_shared::contacts::InvitationState::Accepted),
        )
        .filter(client_contact::Column::PermMessages.eq(true))
        .find_also_related(user::Entity)
        .all(db)
        .await?;
    readers.network = links
        .into_iter()
        .filter_map(|(_, person)| person)
        .filter(|person| person.kind != AccountKind::CareWorker)
        .map(|person| person.id)
        .collect();
    let team: Vec<Uuid> = care_team_member::Entity::find()
        .filter(care_team_member::Column::ClientId.eq(client_id))
        .all(db)
        .await?
        .into_iter()
        .map(|member| member.care_worker_id)
        .collect();
    readers.care = user::Entity::find()
        .filter(user::Column::Id.is_in(team))
        .filter(user::Column::Kind.eq(AccountKind::CareWorker))
        .all(db)
        .await?
        .into_iter()
        .map(|worker| worker.id)
        .collect();
    Ok(readers)
}

/// A position in a list: the last conversation (or message) of the previous page.
fn encode_cursor(at: DateTime<Utc>, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{id}", at.timestamp_micros()))
}

fn decode_cursor(field: &str, raw: &str) -> Result<(DateTime<Utc>, Uuid), ApiError> {
    let invalid = || ApiError::invalid(field, "invalid_cursor");
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?)
        .map_err(|_| invalid())?;
    let (micros, id) = text.split_once(':').ok_or_else(invalid)?;
    Ok((
        DateTime::from_timestamp_micros(micros.parse().map_err(|_| invalid())?)
            .ok_or_else(invalid)?,
        id.parse().map_err(|_| invalid())?,
    ))
}

/// The start of a text for a list.
fn preview(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > PREVIEW {
        let mut cut: String = flat.chars().take(PREVIEW - 1).collect();
        cut.push('…');
        cut
    } else {
        flat
    }
}

/// The people behind `ids` as this client knows them: relationship for the network, care role
/// for the care team.
pub(crate) async fn people(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Person>, ApiError> {
    Ok(crate::services::named::named(db, client_id, ids)
        .await?
        .into_values()
        .map(|person| {
            let care = person.kind == AccountKind::CareWorker;
            (
                person.id,
                Person {
                    user_id: person.id,
                    first_name: person.first_name,
                    last_name: person.last_name,
                    relationship: if care { None } else { person.relationship },
                    care_role: care.then(|| person.care_role.unwrap_or(CareRole::Other)),
                },
            )
        })
        .collect())
}

fn someone(id: Uuid) -> Person {
    Person {
        user_id: id,
        first_name: String::new(),
        last_name: String::new(),
        relationship: None,
        care_role: None,
    }
}

/// A case-insensitive `LIKE` pattern for `search` (its own `%` and `_` match themselves).
fn like_pattern(search: &str) -> String {
    let escaped = search
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Conversations whose subject or any message contains `search`, looking only at the messages
/// of `clients` (the list's own).
fn matching(search: &str, clients: &[Uuid]) -> Condition {
    let pattern = like_pattern(search);
    let lower = |column: Expr| Expr::expr(Func::lower(column));
    let in_messages = Query::select()
        .column(message::Column::ConversationId)
        .from(message::Entity)
        .and_where(message::Column::ClientId.is_in(clients.iter().copied()))
        .and_where(
            lower(Expr::col((message::Entity, message::Column::Body)))
                .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\')),
        )
        .to_owned();
    Condition::any()
        .add(
            lower(Expr::col((
                conversation::Entity,
                conversation::Column::Subject,
            )))
            .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
        )
        .add(conversation::Column::Id.in_subquery(in_messages))
}

/// `SELECT 1 FROM table WHERE table.conversation = conversations.id AND table.user = user_id`:
/// a correlated subquery for `EXISTS`, answered per row by the table's key on
/// (conversation, user) — an `IN` list read all of the user's rows for every page.
fn row_for_this_conversation<E: EntityTrait>(
    table: E,
    conversation: E::Column,
    user: E::Column,
    user_id: Uuid,
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .expr(Expr::value(1))
        .from(table)
        .and_where(
            Expr::col((table, conversation))
                .equals((conversation::Entity, conversation::Column::Id)),
        )
        .and_where(Expr::col((table, user)).eq(user_id))
        .to_owned()
}

/// The conversation of the outer query is one `user_id` archived (for `EXISTS`), and no message
/// came after the one it was archived with (see `is_archived`).
fn archived_by(user_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    let mut archived = row_for_this_conversation(
        conversation_archive::Entity,
        conversation_archive::Column::ConversationId,
        conversation_archive::Column::UserId,
        user_id,
    );
    archived.and_where(
        Expr::col((
            conversation_archive::Entity,
            conversation_archive::Column::ArchivedAt,
        ))
        .gte(Expr::col((
            conversation::Entity,
            conversation::Column::LastMessageAt,
        ))),
    );
    archived
}

/// Whether an archive row still archives its conversation: it holds the conversation's last
/// message time when it was archived, and a later message brings the conversation back. A new
/// message also deletes the rows, but on PostgreSQL an archive committed just after that delete
/// (by someone who had not seen the message) would otherwise keep it hidden.
fn is_archived(archive: &conversation_archive::Model, last_message_at: DateTime<Utc>) -> bool {
    archive.archived_at >= last_message_at
}

/// The conversation of the outer query is one `user_id` is addressed in.
fn member_of_this(user_id: Uuid) -> sea_orm::sea_query::Expr {
    Expr::exists(row_for_this_conversation(
        conversation_member::Entity,
        conversation_member::Column::ConversationId,
        conversation_member::Column::UserId,
        user_id,
    ))
}

/// Conversations `user_id` is addressed in.
fn member_of(user_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(conversation_member::Column::ConversationId)
        .from(conversation_member::Entity)
        .and_where(conversation_member::Column::UserId.eq(user_id))
        .to_owned()
}

/// What to list: the scope is set by the caller, the rest comes from the query string.
pub struct ListQuery<'a> {
    pub archived: bool,
    pub search: Option<&'a str>,
    pub cursor: Option<&'a str>,
    pub limit: Option<u64>,
}

/// Searches one user may run per hour: each reads through message texts.
const SEARCHES_PER_HOUR: crate::services::limits::Limit =
    crate::services::limits::Limit::new(600, 60 * 60);

/// One page of the conversations in `scope` (about `clients`) for `viewer_id`, newest first.
async fn page(
    db: &DatabaseConnection,
    viewer_id: Uuid,
    scope: Condition,
    clients: &[Uuid],
    query: &ListQuery<'_>,
) -> Result<ConversationPage, ApiError> {
    let limit = match query.limit {
        None => PAGE,
        Some(limit) if (1..=100).contains(&limit) => limit,
        Some(_) => return Err(ApiError::invalid("limit", "out_of_range")),
    };
    // The inbox or the archive: the unread count follows the same choice.
    let scope = if query.archived {
        scope.add(Expr::exists(archived_by(viewer_id)))
    } else {
        scope.add(Expr::not_exists(archived_by(viewer_id)))
    };
    let mut select = conversation::Entity::find().filter(scope.clone());
    if let Some(search) = query.search.map(str::trim).filter(|text| !text.is_empty()) {
        if search.chars().count() > 100 {
            return Err(ApiError::invalid("q", "too_long"));
        }
        crate::services::limits::hit(
            db,
            &format!("message-search:{viewer_id}"),
            SEARCHES_PER_HOUR,
        )
        .await?;
        select = select.filter(matching(search, clients));
    }
    if let Some(raw) = query.cursor {
        let (at, id) = decode_cursor("cursor", raw)?;
        select = select.filter(
            Condition::any()
                .add(conversation::Column::LastMessageAt.lt(at))
                .add(
                    Condition::all()
                        .add(conversation::Column::LastMessageAt.eq(at))
                        .add(conversation::Column::Id.lt(id)),
                ),
        );
    }
    let mut rows = select
        .order_by_desc(conversation::Column::LastMessageAt)
        .order_by_desc(conversation::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last()
            .map(|row| encode_cursor(row.last_message_at, row.id))
    } else {
        None
    };
    let unread = message_receipt::Entity::find()
        .filter(message_receipt::Column::UserId.eq(viewer_id))
        .filter(message_receipt::Column::ReadAt.is_null())
        .filter(
            message_receipt::Column::ConversationId.in_subquery(
                Query::select()
                    .column(conversation::Column::Id)
                    .from(conversation::Entity)
                    .cond_where(scope)
                    .to_owned(),
            ),
        )
        .count(db)
        .await?;
    Ok(ConversationPage {
        conversations: summaries(db, viewer_id, rows).await?,
        next_cursor,
        unread: u32::try_from(unread).unwrap_or(u32::MAX),
    })
}

/// The list view of `rows` for `viewer_id`.
async fn summaries(
    db: &impl ConnectionTrait,
    viewer_id: Uuid,
    rows: Vec<conversation::Model>,
) -> Result<Vec<ConversationSummary>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let members = conversation_member::Entity::find()
        .filter(conversation_member::Column::ConversationId.is_in(ids.clone()))
        .order_by_asc(conversation_member::Column::JoinedAt)
        .all(db)
        .await?;
    let unread: HashMap<Uuid, i64> = message_receipt::Entity::find()
        .select_only()
        .column(message_receipt::Column::ConversationId)
        .column_as(message_receipt::Column::MessageId.count(), "unread")
        .filter(message_receipt::Column::UserId.eq(viewer_id))
        .filter(message_receipt::Column::ReadAt.is_null())
        .filter(message_receipt::Column::ConversationId.is_in(ids.clone()))
        .group_by(message_receipt::Column::ConversationId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let archived: HashMap<Uuid, conversation_archive::Model> = conversation_archive::Entity::find()
        .filter(conversation_archive::Column::UserId.eq(viewer_id))
        .filter(conversation_archive::Column::ConversationId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.conversation_id, row))
        .collect();
    let overdue: HashSet<Uuid> = message::Entity::find()
        .filter(message::Column::ConversationId.is_in(ids.clone()))
        .filter(message::Column::EscalatedAt.is_not_null())
        .filter(message::Column::CareReadAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.conversation_id)
        .collect();
    // The newest message of each row, in one query: per conversation the index
    // `(conversation_id, created_at, id)` gives its newest id (a fixed statement, no input).
    let latest: HashMap<Uuid, message::Model> = message::Entity::find()
        .filter(message::Column::ConversationId.is_in(ids))
        .filter(Expr::cust(
            "messages.id = (SELECT newest.id FROM messages AS newest \
             WHERE newest.conversation_id = messages.conversation_id \
             ORDER BY newest.created_at DESC, newest.id DESC LIMIT 1)",
        ))
        .all(db)
        .await?
        .into_iter()
        .map(|last| (last.conversation_id, last))
        .collect();
    let clients: HashMap<Uuid, String> = client::Entity::find()
        .filter(client::Column::Id.is_in(rows.iter().map(|row| row.client_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, format!("{} {}", row.first_name, row.last_name)))
        .collect();
    // The people named on the page, looked up once per client (a care worker's inbox spans
    // several clients; a family's page is one).
    let mut named: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for row in &rows {
        let ids = named.entry(row.client_id).or_default();
        ids.extend(
            members
                .iter()
                .filter(|member| member.conversation_id == row.id)
                .map(|member| member.user_id),
        );
        ids.extend(latest.get(&row.id).map(|last| last.author_id));
    }
    let mut people_of_client = HashMap::with_capacity(named.len());
    for (client_id, ids) in named {
        people_of_client.insert(client_id, people(db, client_id, ids).await?);
    }
    let nobody = HashMap::new();
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        let mut in_it: Vec<&conversation_member::Model> = members
            .iter()
            .filter(|member| member.conversation_id == row.id)
            .collect();
        // The writer first, then in the order they joined.
        in_it.sort_by_key(|member| (member.user_id != row.started_by, member.joined_at));
        let last = latest.get(&row.id);
        let known = people_of_client.get(&row.client_id).unwrap_or(&nobody);
        let person = |id: Uuid| known.get(&id).cloned().unwrap_or_else(|| someone(id));
        list.push(ConversationSummary {
            id: row.id,
            client_id: row.client_id,
            client_name: clients.get(&row.client_id).cloned().unwrap_or_default(),
            subject: row.subject,
            people: in_it.iter().map(|member| person(member.user_id)).collect(),
            care_team: row.to_team,
            with_care: row.with_care,
            last_message_at: row.last_message_at,
            last_author: last
                .map_or_else(|| someone(row.started_by), |last| person(last.author_id)),
            preview: last.map(|last| preview(&last.body)).unwrap_or_default(),
            unread: unread
                .get(&row.id)
                .map_or(0, |count| u32::try_from(*count).unwrap_or(u32::MAX)),
            archived: archived
                .get(&row.id)
                .is_some_and(|archive| is_archived(archive, row.last_message_at)),
            overdue: overdue.contains(&row.id),
        });
    }
    Ok(list)
}

/// Records reading or writing a conversation with the care team in the access log.
pub(crate) async fn record(
    db: &(impl ConnectionTrait + 'static),
    viewer: &Viewer,
    reader: &Reader<'_>,
    action: AccessAction,
    conversation_id: Uuid,
) -> Result<(), ApiError> {
    access_log::record(
        db,
        reader,
        viewer.client(),
        viewer.acting_as(),
        action,
        AccessObject::Messages,
        Some(conversation_id),
    )
    .await
}

/// The viewer's conversations about this client, newest first. A page that shows
/// conversations with care (their latest words) is recorded in the access log.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    reader: &Reader<'_>,
    query: &ListQuery<'_>,
) -> Result<ConversationPage, ApiError> {
    let mut scope = Condition::all().add(conversation::Column::ClientId.eq(viewer.client().id));
    scope = match viewer {
        Viewer::Contact(_) => scope.add(member_of_this(viewer.user_id())),
        Viewer::Care { .. } => scope.add(
            Condition::any()
                .add(conversation::Column::ToTeam.eq(true))
                .add(member_of_this(viewer.user_id())),
        ),
    };
    let shown = page(db, viewer.user_id(), scope, &[viewer.client().id], query).await?;
    if shown.conversations.iter().any(|row| row.with_care) {
        access_log::record(
            db,
            reader,
            viewer.client(),
            viewer.acting_as(),
            AccessAction::Read,
            AccessObject::Messages,
            None,
        )
        .await?;
    }
    Ok(shown)
}

/// The conversation `id` of this client if the viewer may see it; 404 otherwise.
pub(crate) async fn visible(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> Result<conversation::Model, ApiError> {
    let found = conversation::Entity::find_by_id(id)
        .filter(conversation::Column::ClientId.eq(viewer.client().id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if viewer.is_care() && found.to_team {
        return Ok(found);
    }
    conversation_member::Entity::find_by_id((found.id, viewer.user_id()))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(found)
}

fn attachment_of(row: &media::Model) -> Attachment {
    let document = row.content_type == PDF;
    Attachment {
        id: row.id,
        file_name: row.file_name.clone().unwrap_or_else(|| {
            if document {
                "document.pdf".to_owned()
            } else {
                "foto.jpg".to_owned()
            }
        }),
        content_type: row.content_type.clone(),
        bytes: u64::try_from(row.bytes).unwrap_or(0),
        url: url(row.id, if document { Size::File } else { Size::Display }),
        thumbnail_url: (!document).then(|| url(row.id, Size::Thumbnail)),
    }
}

/// The API view of messages of one conversation.
pub(crate) async fn messages_of(
    db: &impl ConnectionTrait,
    viewer_id: Uuid,
    client_id: Uuid,
    rows: Vec<message::Model>,
) -> Result<Vec<Message>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let attachments = media::Entity::find()
        .filter(media::Column::MessageId.is_in(ids.clone()))
        .order_by_asc(media::Column::Position)
        .all(db)
        .await?;
    let receipts = message_receipt::Entity::find()
        .filter(message_receipt::Column::MessageId.is_in(ids))
        .filter(message_receipt::Column::ReadAt.is_not_null())
        .all(db)
        .await?;
    let known = people(
        db,
        client_id,
        rows.iter()
            .map(|row| row.author_id)
            .chain(receipts.iter().map(|receipt| receipt.user_id)),
    )
    .await?;
    let person = |id: Uuid| known.get(&id).cloned().unwrap_or_else(|| someone(id));
    Ok(rows
        .into_iter()
        .map(|row| {
            let author = person(row.author_id);
            // Read receipts are for messages from the network to care: who of the care team
            // read it, and when.
            let read_by = if author.care_role.is_none() {
                let mut read_by: Vec<ReadReceipt> = receipts
                    .iter()
                    .filter(|receipt| receipt.message_id == row.id)
                    .filter_map(|receipt| {
                        let reader = person(receipt.user_id);
                        reader.care_role.is_some().then(|| ReadReceipt {
                            reader,
                            read_at: receipt.read_at.unwrap_or(row.created_at),
                        })
                    })
                    .collect();
                read_by.sort_by_key(|receipt| receipt.read_at);
                read_by
            } else {
                Vec::new()
            };
            Message {
                id: row.id,
                mine: row.author_id == viewer_id,
                via_ecd: row.via_ecd,
                overdue: row.escalated_at.is_some() && row.care_read_at.is_none(),
                attachments: attachments
                    .iter()
                    .filter(|attachment| attachment.message_id == Some(row.id))
                    .map(attachment_of)
                    .collect(),
                read_by,
                author,
                sent_at: row.created_at,
                text: row.body,
            }
        })
        .collect())
}

/// Whether the viewer may answer: a care worker of the team always may; a network member in a
/// conversation with care only while the organisation lets them write to care.
pub(crate) fn may_reply(viewer: &Viewer, found: &conversation::Model) -> bool {
    match viewer {
        Viewer::Care { .. } => true,
        Viewer::Contact(access) => {
            !found.with_care
                || access
                    .organisation
                    .care_messages
                    .allows(access.link.relationship)
        }
    }
}

/// One conversation with its latest messages (or those before `before`), marking what the
/// viewer had not read as read. A care worker reading counts as the care team having read the
/// network's messages; reading a conversation with care is recorded in the access log.
pub async fn open(
    db: &DatabaseConnection,
    viewer: &Viewer,
    reader: &Reader<'_>,
    id: Uuid,
    before: Option<&str>,
) -> Result<Conversation, ApiError> {
    let found = visible(db, viewer, id).await?;
    let mut select = message::Entity::find().filter(message::Column::ConversationId.eq(found.id));
    if let Some(raw) = before {
        let (at, id) = decode_cursor("before", raw)?;
        select = select.filter(
            Condition::any().add(message::Column::CreatedAt.lt(at)).add(
                Condition::all()
                    .add(message::Column::CreatedAt.eq(at))
                    .add(message::Column::Id.lt(id)),
            ),
        );
    }
    let mut rows = select
        .order_by_desc(message::Column::CreatedAt)
        .order_by_desc(message::Column::Id)
        .limit(MESSAGES_PAGE + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > MESSAGES_PAGE;
    rows.truncate(MESSAGES_PAGE as usize);
    rows.reverse();
    let earlier_cursor = if more {
        rows.first()
            .map(|row| encode_cursor(row.created_at, row.id))
    } else {
        None
    };
    let now = Utc::now();
    // Read is what was shown, and what came before it: a message that arrived after this page
    // was loaded stays unread.
    let newest_shown = rows.last().map_or(now, |row| row.created_at);
    let shown_or_older = Query::select()
        .column(message::Column::Id)
        .from(message::Entity)
        .and_where(message::Column::ConversationId.eq(found.id))
        .and_where(message::Column::CreatedAt.lte(newest_shown))
        .to_owned();
    message_receipt::Entity::update_many()
        .col_expr(message_receipt::Column::ReadAt, Expr::value(now))
        .filter(message_receipt::Column::ConversationId.eq(found.id))
        .filter(message_receipt::Column::UserId.eq(viewer.user_id()))
        .filter(message_receipt::Column::ReadAt.is_null())
        .filter(message_receipt::Column::MessageId.in_subquery(shown_or_older))
        .exec(db)
        .await?;
    if viewer.is_care() {
        message::Entity::update_many()
            .col_expr(message::Column::CareReadAt, Expr::value(now))
            .filter(message::Column::ConversationId.eq(found.id))
            .filter(message::Column::CareDueAt.is_not_null())
            .filter(message::Column::CareReadAt.is_null())
            .filter(message::Column::CreatedAt.lte(newest_shown))
            .exec(db)
            .await?;
        // The rows shown say so too.
        for row in &mut rows {
            if row.care_due_at.is_some() && row.care_read_at.is_none() {
                row.care_read_at = Some(now);
            }
        }
    }
    if found.with_care {
        record(db, viewer, reader, AccessAction::Read, found.id).await?;
    }
    let may_reply = may_reply(viewer, &found);
    let messages = messages_of(db, viewer.user_id(), found.client_id, rows).await?;
    let summary = summaries(db, viewer.user_id(), vec![found])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok(Conversation {
        summary,
        messages,
        earlier_cursor,
        may_reply,
        reply_days: u16::try_from(viewer.organisation().care_reply_days).unwrap_or(2),
    })
}

/// Unread messages over every client the user still reads messages of.
pub async fn unread_total(db: &DatabaseConnection, account: &user::Model) -> Result<u32, ApiError> {
    let clients: Vec<Uuid> = if account.kind == AccountKind::CareWorker {
        team_clients(db, account).await?
    } else {
        let mut ids = Vec::new();
        for link in client_contact::Entity::find()
            .filter(client_contact::Column::UserId.eq(account.id))
            .filter(client_contact::Column::PermMessages.eq(true))
            .all(db)
            .await?
        {
            if viewer(db, account, link.client_id).await.is_ok() {
                ids.push(link.client_id);
            }
        }
        ids
    };
    let count = message_receipt::Entity::find()
        .filter(message_receipt::Column::UserId.eq(account.id))
        .filter(message_receipt::Column::ReadAt.is_null())
        .filter(message_receipt::Column::ClientId.is_in(clients))
        .count(db)
        .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// The start screen's Berichten panel: the latest message to or from the viewer about this
/// client, with the unread count.
pub async fn latest(
    db: &DatabaseConnection,
    access: &ClientAccess,
) -> Result<Option<LatestMessage>, ApiError> {
    let viewer_id = access.link.user_id;
    let Some(last) = message::Entity::find()
        .filter(message::Column::ClientId.eq(access.client.id))
        .filter(message::Column::ConversationId.in_subquery(member_of(viewer_id)))
        .order_by_desc(message::Column::CreatedAt)
        .order_by_desc(message::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let subject = conversation::Entity::find_by_id(last.conversation_id)
        .one(db)
        .await?
        .map(|row| row.subject)
        .unwrap_or_default();
    let unread = message_receipt::Entity::find()
        .filter(message_receipt::Column::UserId.eq(viewer_id))
        .filter(message_receipt::Column::ReadAt.is_null())
        .filter(message_receipt::Column::ClientId.eq(access.client.id))
        .count(db)
        .await?;
    let author = people(db, access.client.id, [last.author_id])
        .await?
        .remove(&last.author_id)
        .unwrap_or_else(|| someone(last.author_id));
    Ok(Some(LatestMessage {
        conversation_id: last.conversation_id,
        subject,
        author,
        sent_at: last.created_at,
        preview: preview(&last.body),
        unread: u32::try_from(unread).unwrap_or(u32::MAX),
    }))
}

/// Records that `account` opened an attachment of a conversation with care (NEN 7513: a photo
/// or a document sent to or by the care team is part of what was read).
pub async fn record_attachment_read(
    db: &DatabaseConnection,
    reader: &Reader<'_>,
    attachment: &media::Model,
) -> Result<(), ApiError> {
    let Some(message_id) = attachment.message_id else {
        return Ok(());
    };
    let Some(sent) = message::Entity::find_by_id(message_id).one(db).await? else {
        return Ok(());
    };
    let Some(found) = conversation::Entity::find_by_id(sent.conversation_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    if !found.with_care {
        return Ok(());
    }
    let viewer = viewer(db, reader.user, attachment.client_id).await?;
    record(db, &viewer, reader, AccessAction::Read, found.id).await
}

/// Who may see a message attachment: its uploader before it is sent; afterwards whoever sees
/// the conversation.
pub async fn may_see_attachment(
    db: &DatabaseConnection,
    account: &user::Model,
    attachment: &media::Model,
) -> Result<bool, ApiError> {
    let Ok(viewer) = viewer(db, account, attachment.client_id).await else {
        return Ok(false);
    };
    let Some(message_id) = attachment.message_id else {
        return Ok(attachment.uploaded_by == Some(account.id));
    };
    let Some(sent) = message::Entity::find_by_id(message_id).one(db).await? else {
        return Ok(false);
    };
    Ok(visible(db, &viewer, sent.conversation_id).await.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_is_one_line_and_short() {
        assert_eq!(preview("Hallo\n\nallemaal"), "Hallo allemaal");
        let long = "woord ".repeat(100);
        let shown = preview(&long);
        assert_eq!(shown.chars().count(), PREVIEW);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn search_patterns_match_percent_and_underscore_literally() {
        assert_eq!(like_pattern(" 50%_Korting "), "%50\\%\\_korting%");
    }

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let at = DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap();
        let id = Uuid::new_v4();
        assert_eq!(
            decode_cursor("cursor", &encode_cursor(at, id)).unwrap(),
            (at, id)
        );
        assert!(decode_cursor("cursor", "bm9uc2Vuc2U").is_err());
    }
}
