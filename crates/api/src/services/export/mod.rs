//! *Download*: a copy of a client's data for a month range that they can read and take
//! elsewhere (Wabvpz art. 15d, GDPR art. 15 and 20). A request becomes a job: it is written on
//! the blocking pool into a ZIP (overview as HTML and PDF, FHIR R4 bundle, the files), stored
//! in the media store for `export_keep_hours`, and handed out through a one-time link. The same
//! bundle is `$everything` for apps. Also *Wie heeft mijn dossier bekeken* (`viewed`) and every
//! user's own data (`personal`).

pub mod fhir;
mod job;
pub mod overview;
pub mod personal;
pub mod viewed;

use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kring_shared::{
    FieldError,
    dossier::{AccessAction, AccessObject},
    export::{
        DownloadLink, ExportList, ExportRequest, ExportState, ExportStatus, MAX_EXPORT_MONTHS,
        YearMonth,
    },
    me::{Language, Relationship},
    permission::Permission,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::secret::{hash_token, random_token},
    entities::{dossier_entry, export, user},
    error::ApiError,
    services::{
        access_log::{self, Reader},
        agenda::time::day_start,
        media::MediaStore,
        policy::{self, ClientAccess},
    },
};

/// Seconds a download link works.
pub const LINK_SECONDS: i64 = 60;
/// A job still running after this long is taken as lost (its instance stopped).
const STALE_MINUTES: i64 = 60;

/// The months of an export and the instants they span (Europe/Amsterdam days).
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: YearMonth,
    pub until: YearMonth,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Range {
    /// `from` through `until`, both included.
    pub fn months(from: YearMonth, until: YearMonth) -> Range {
        Range {
            from,
            until,
            start: day_start(from.first_day()),
            end: day_start(until.next().first_day()),
        }
    }

    /// The days `start` through `end`, both included (`$everything`).
    pub fn days(start: NaiveDate, end: NaiveDate) -> Range {
        Range {
            from: YearMonth::of(start),
            until: YearMonth::of(end),
            start: day_start(start),
            end: day_start(end.succ_opt().unwrap_or(end)),
        }
    }

    /// As the access log shows it: `2026-09..2026-11`.
    pub fn label(&self) -> String {
        format!("{}..{}", self.from, self.until)
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_word(language: Language, month: u32) -> &'static str {
    let names = match language {
        Language::Nl => &MONTHS_NL,
        Language::En => &MONTHS_EN,
    };
    names[(month.clamp(1, 12) - 1) as usize]
}

/// "24 november 2026" / "24 November 2026".
pub fn long_date(language: Language, date: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {} {}",
        date.day(),
        month_word(language, date.month()),
        date.year()
    )
}

/// "september 2026".
pub fn month_name(language: Language, month: YearMonth) -> String {
    format!("{} {}", month_word(language, month.month), month.year)
}

/// What an export holds: what its maker can see in the portal — their ticks, and what the
/// organisation switched on. The network is always in it (portal administrators manage it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sections {
    /// *Dossier*: reports, notes, questionnaires, care plans.
    pub dossier: bool,
    /// *Afspraken*: the agenda (care appointments only where the organisation shows them).
    pub agenda: bool,
    /// *Berichten*: the maker's own conversations.
    pub messages: bool,
    /// *Gegevens*: the client's details, the care team and the pinboard.
    pub details: bool,
}

impl Sections {
    /// What `access` lets its holder see.
    pub fn of(access: &ClientAccess) -> Sections {
        let (link, organisation) = (&access.link, &access.organisation);
        Sections {
            dossier: link.has(Permission::Dossier) && organisation.panel_dossier_enabled,
            agenda: link.has(Permission::Agenda) && organisation.panel_agenda_enabled,
            messages: link.has(Permission::Messages) && organisation.panel_messages_enabled,
            details: link.has(Permission::Details) && organisation.panel_details_enabled,
        }
    }
}

/// Export and `$everything` jobs written at the same time on this instance; more wait.
static WRITERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The client themselves or a portal administrator (*Instellingen*); anyone else gets 403.
pub async fn owner_access(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
) -> Result<ClientAccess, ApiError> {
    let access = policy::client_access(db, account, client_id).await?;
    if access.link.relationship != Relationship::Client {
        access.require(Permission::Settings)?;
    }
    Ok(access)
}

fn status_of(row: &export::Model) -> ExportStatus {
    let parse = |text: &str| {
        text.parse().unwrap_or(YearMonth {
            year: 1970,
            month: 1,
        })
    };
    ExportStatus {
        id: row.id,
        from: parse(&row.from_month),
        until: parse(&row.until_month),
        state: row.state,
        progress: row.progress.clamp(0, 100) as u8,
        created_at: row.created_at,
        finished_at: row.finished_at,
        expires_at: row.expires_at.filter(|_| row.state == ExportState::Ready),
        size_bytes: row.size_bytes.filter(|_| row.state == ExportState::Ready),
        file_name: row.file_name.clone(),
    }
}

/// The file's name: `kring-johanna-de-vries-2026-09-2026-11.zip`, in plain ASCII.
fn file_name(first: &str, last: &str, range: &Range) -> String {
    let mut slug = String::new();
    for c in format!("{first} {last}").to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(60).collect();
    format!("kring-{slug}-{}-{}.zip", range.from, range.until)
}

/// The user's exports of this client and the earliest month with data.
pub async fn list(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
) -> Result<ExportList, ApiError> {
    let access = owner_access(db, account, client_id).await?;
    let rows = export::Entity::find()
        .filter(export::Column::ClientId.eq(client_id))
        .filter(export::Column::RequestedBy.eq(account.id))
        .order_by_desc(export::Column::CreatedAt)
        .limit(20)
        .all(db)
        .await?;
    let earliest = dossier_entry::Entity::find()
        .filter(dossier_entry::Column::ClientId.eq(client_id))
        .order_by_asc(dossier_entry::Column::OccurredAt)
        .one(db)
        .await?
        .map(|entry| YearMonth::of(crate::services::agenda::time::local(entry.occurred_at).date()))
        .or_else(|| {
            Some(YearMonth::of(
                crate::services::agenda::time::local(access.client.created_at).date(),
            ))
        });
    Ok(ExportList {
        exports: rows.iter().map(status_of).collect(),
        keep_hours: access.organisation.export_keep_hours,
        earliest,
    })
}

/// Checks a month range: not backwards, at most ten years, not past next year.
fn check_range(request: &ExportRequest) -> Result<Range, ApiError> {
    let mut errors = Vec::new();
    let months = request.from.months_through(request.until);
    let this_month = YearMonth::of(crate::services::agenda::time::local(Utc::now()).date());
    if months == 0 {
        errors.push(("until", "before_from"));
    } else if months > MAX_EXPORT_MONTHS {
        errors.push(("until", "too_long"));
    }
    if this_month.months_through(request.from) > 13 {
        errors.push(("from", "in_future"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(
            errors
                .into_iter()
                .map(|(field, code)| FieldError {
                    field: field.to_owned(),
                    code: code.to_owned(),
                })
                .collect(),
        ));
    }
    Ok(Range::months(request.from, request.until))
}

/// Starts an export: recorded in the access log at once, written in the background. One at a
/// time per person (the database's unique index decides); another gets 429.
pub async fn request(
    db: &DatabaseConnection,
    media: &MediaStore,
    data_dir: &std::path::Path,
    reader: &Reader<'_>,
    client_id: Uuid,
    request: &ExportRequest,
) -> Result<ExportStatus, ApiError> {
    let access = owner_access(db, reader.user, client_id).await?;
    let range = check_range(request)?;
    crate::services::limits::hit(
        db,
        &format!("export:{}", reader.user.id),
        crate::services::limits::EXPORTS,
    )
    .await?;
    let now = Utc::now();
    let row = export::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(access.client.organisation_id),
        client_id: Set(client_id),
        requested_by: Set(reader.user.id),
        from_month: Set(range.from.to_string()),
        until_month: Set(range.until.to_string()),
        language: Set(reader.user.language.as_str().to_owned()),
        state: Set(ExportState::Queued),
        progress: Set(0),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        expires_at: Set(None),
        size_bytes: Set(None),
        file_name: Set(file_name(
            &access.client.first_name,
            &access.client.last_name,
            &range,
        )),
        error: Set(None),
        ticket_hash: Set(None),
        ticket_expires_at: Set(None),
    };
    let txn = crate::db::begin_write(db).await?;
    let saved = match row.insert(&txn).await {
        Ok(saved) => saved,
        Err(error) => {
            drop(txn);
            let active = export::Entity::find()
                .filter(export::Column::RequestedBy.eq(reader.user.id))
                .filter(export::Column::State.is_in([ExportState::Queued, ExportState::Running]))
                .one(db)
                .await?;
            return Err(match active {
                Some(_) => ApiError::RateLimited { retry_after: 5 },
                None => error.into(),
            });
        }
    };
    access_log::record_detail(
        &txn,
        reader,
        &access.client,
        access.link.relationship,
        AccessAction::Read,
        AccessObject::Export,
        Some(saved.id),
        Some(range.label()),
    )
    .await?;
    txn.commit().await?;
    let (db, media, dir) = (db.clone(), media.clone(), data_dir.to_owned());
    let id = saved.id;
    tokio::spawn(async move { run(db, media, dir, id).await });
    Ok(status_of(&saved))
}

/// One export of the user's (404 for anyone else's).
async fn own(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
    export_id: Uuid,
) -> Result<export::Model, ApiError> {
    owner_access(db, account, client_id).await?;
    export::Entity::find_by_id(export_id)
        .one(db)
        .await?
        .filter(|row| row.client_id == client_id && row.requested_by == account.id)
        .ok_or(ApiError::NotFound)
}

/// How far an export is.
pub async fn status(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
    export_id: Uuid,
) -> Result<ExportStatus, ApiError> {
    Ok(status_of(&own(db, account, client_id, export_id).await?))
}

/// A one-time link to a ready file (409 while it is not ready or after it expired).
pub async fn link(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
    export_id: Uuid,
) -> Result<DownloadLink, ApiError> {
    let row = own(db, account, client_id, export_id).await?;
    let now = Utc::now();
    if row.state != ExportState::Ready || row.expires_at.is_none_or(|at| at <= now) {
        return Err(ApiError::Conflict(
            kring_shared::ErrorCode::ExportNotReady,
            "This export cannot be downloaded (not ready, or removed after its time).".into(),
        ));
    }
    let ticket = random_token();
    let expires_at = now + Duration::seconds(LINK_SECONDS);
    let updated = export::Entity::update_many()
        .col_expr(export::Column::TicketHash, Expr::value(hash_token(&ticket)))
        .col_expr(export::Column::TicketExpiresAt, Expr::value(expires_at))
        .filter(export::Column::Id.eq(row.id))
        .filter(export::Column::State.eq(ExportState::Ready))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Err(ApiError::NotFound);
    }
    Ok(DownloadLink {
        url: format!("/api/exports/download?ticket={ticket}"),
        expires_at,
    })
}

/// The export a ticket opens, used up by the database in one conditional update: of two
/// downloads with the same ticket, one gets the file.
pub async fn redeem(db: &DatabaseConnection, ticket: &str) -> Result<export::Model, ApiError> {
    let hash = hash_token(ticket);
    let now = Utc::now();
    let row = export::Entity::find()
        .filter(export::Column::TicketHash.eq(hash.clone()))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let used = export::Entity::update_many()
        .col_expr(
            export::Column::TicketHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            export::Column::TicketExpiresAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(export::Column::Id.eq(row.id))
        .filter(export::Column::TicketHash.eq(hash))
        .filter(export::Column::TicketExpiresAt.gt(now))
        .filter(export::Column::State.eq(ExportState::Ready))
        .exec(db)
        .await?;
    if used.rows_affected != 1 || row.expires_at.is_none_or(|at| at <= now) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// Writes export `id` if it is still queued (claimed by a conditional update, so two workers
/// never write the same one), then stores the file or marks it failed.
pub async fn run(db: DatabaseConnection, media: MediaStore, data_dir: PathBuf, id: Uuid) {
    if let Err(error) = try_run(&db, &media, &data_dir, id).await {
        tracing::warn!(export = %id, error = %error, "export failed");
        let _ = export::Entity::update_many()
            .col_expr(export::Column::State, Expr::value(ExportState::Failed))
            .col_expr(
                export::Column::Error,
                Expr::value(error.to_string().chars().take(400).collect::<String>()),
            )
            .col_expr(export::Column::FinishedAt, Expr::value(Utc::now()))
            .filter(export::Column::Id.eq(id))
            .filter(export::Column::State.eq(ExportState::Running))
            .exec(&db)
            .await;
    }
}

async fn try_run(
    db: &DatabaseConnection,
    media: &MediaStore,
    data_dir: &std::path::Path,
    id: Uuid,
) -> Result<(), ApiError> {
    let claimed = export::Entity::update_many()
        .col_expr(export::Column::State, Expr::value(ExportState::Running))
        .col_expr(export::Column::StartedAt, Expr::value(Utc::now()))
        .filter(export::Column::Id.eq(id))
        .filter(export::Column::State.eq(ExportState::Queued))
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(());
    }
    let _writer = WRITERS.acquire().await.map_err(anyhow::Error::from)?;
    let row = export::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Rights are checked again as the job starts: someone who lost them meanwhile gets nothing.
    let maker = user::Entity::find_by_id(row.requested_by)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let access = owner_access(db, &maker, row.client_id).await?;
    let sections = Sections::of(&access);
    let ClientAccess {
        client,
        organisation,
        ..
    } = access;
    let parse = |text: &str| {
        text.parse::<YearMonth>()
            .map_err(|error| anyhow::anyhow!("stored month {text}: {error}"))
    };
    let range = Range::months(parse(&row.from_month)?, parse(&row.until_month)?);
    let keep_hours = organisation.export_keep_hours;
    let dir = data_dir.join("exports").join(id.to_string());
    std::fs::create_dir_all(&dir).map_err(anyhow::Error::from)?;
    let handle = tokio::runtime::Handle::current();
    let progress_db = db.clone();
    let progress_handle = handle.clone();
    let job = job::Job {
        db: db.clone(),
        media: media.clone(),
        handle,
        export_id: id,
        language: Language::from_stored(&row.language).unwrap_or(Language::Nl),
        client,
        organisation,
        requested_by: row.requested_by,
        range,
        sections,
        progress: Box::new(move |percent| {
            let _ = progress_handle.block_on(
                export::Entity::update_many()
                    .col_expr(export::Column::Progress, Expr::value(i16::from(percent)))
                    .filter(export::Column::Id.eq(id))
                    .exec(&progress_db),
            );
        }),
    };
    let zip_path = dir.join("export.zip");
    let written = {
        let (dir, zip_path) = (dir.clone(), zip_path.clone());
        tokio::task::spawn_blocking(move || job.write(&dir, &zip_path))
            .await
            .map_err(anyhow::Error::from)?
    };
    let outcome = match written {
        Ok(written) => media.put_export(id, &zip_path).await.map(|()| written),
        Err(error) => Err(anyhow::Error::from(error).context("export: write").into()),
    };
    let _ = tokio::fs::remove_dir_all(&dir).await;
    let written = outcome?;
    let finished = Utc::now();
    let done = export::Entity::update_many()
        .col_expr(export::Column::State, Expr::value(ExportState::Ready))
        .col_expr(export::Column::Progress, Expr::value(100i16))
        .col_expr(export::Column::FinishedAt, Expr::value(finished))
        .col_expr(
            export::Column::ExpiresAt,
            Expr::value(finished + Duration::hours(i64::from(keep_hours.max(1)))),
        )
        .col_expr(
            export::Column::SizeBytes,
            Expr::value(i64::try_from(written.size).unwrap_or(i64::MAX)),
        )
        .filter(export::Column::Id.eq(id))
        // A job taken as lost meanwhile (see `tidy`) stays failed, and its file goes.
        .filter(export::Column::State.eq(ExportState::Running))
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        media.remove_export(id).await?;
        return Ok(());
    }
    // One file per person and client at a time: the earlier ones go now, not after their time.
    let earlier = export::Entity::find()
        .filter(export::Column::RequestedBy.eq(row.requested_by))
        .filter(export::Column::ClientId.eq(row.client_id))
        .filter(export::Column::State.eq(ExportState::Ready))
        .filter(export::Column::Id.ne(id))
        .all(db)
        .await?;
    for old in earlier {
        expire(db, media, &old).await?;
    }
    Ok(())
}

/// Removes a ready export's file and marks it expired.
async fn expire(
    db: &DatabaseConnection,
    media: &MediaStore,
    row: &export::Model,
) -> Result<u64, ApiError> {
    media.remove_export(row.id).await?;
    let done = export::Entity::update_many()
        .col_expr(export::Column::State, Expr::value(ExportState::Expired))
        .col_expr(
            export::Column::TicketHash,
            Expr::value(Option::<String>::None),
        )
        .filter(export::Column::Id.eq(row.id))
        .filter(export::Column::State.eq(ExportState::Ready))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// The FHIR bundle of `start` through `end` as JSON (`$everything`), recorded in the access log.
pub async fn everything(
    db: &DatabaseConnection,
    media: &MediaStore,
    reader: &Reader<'_>,
    client_id: Uuid,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<u8>, ApiError> {
    let access = owner_access(db, reader.user, client_id).await?;
    if end < start || (end - start).num_days() > 366 * 10 {
        return Err(ApiError::Validation(vec![FieldError {
            field: "end".into(),
            code: if end < start {
                "before_start"
            } else {
                "too_long"
            }
            .into(),
        }]));
    }
    crate::services::limits::hit(
        db,
        &format!("fhir:{}", reader.user.id),
        crate::services::limits::EVERYTHING,
    )
    .await?;
    let range = Range::days(start, end);
    access_log::record_detail(
        db,
        reader,
        &access.client,
        access.link.relationship,
        AccessAction::Read,
        AccessObject::Fhir,
        None,
        Some(format!("{start}..{end}")),
    )
    .await?;
    let _writer = WRITERS.acquire().await.map_err(anyhow::Error::from)?;
    let sections = Sections::of(&access);
    let job = job::Job {
        db: db.clone(),
        media: media.clone(),
        handle: tokio::runtime::Handle::current(),
        export_id: Uuid::new_v4(),
        language: reader.user.language,
        client: access.client,
        organisation: access.organisation,
        requested_by: reader.user.id,
        range,
        sections,
        progress: Box::new(|_| {}),
    };
    let bytes = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        job.write_bundle(&mut out).map(|_| out)
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(anyhow::Error::from)?;
    Ok(bytes)
}

/// Housekeeping: starts queued exports left behind (an instance stopped before it began),
/// fails exports running for over an hour, removes files past their time.
pub async fn tidy(
    db: &DatabaseConnection,
    media: &MediaStore,
    data_dir: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    export::Entity::update_many()
        .col_expr(export::Column::State, Expr::value(ExportState::Failed))
        .col_expr(export::Column::Error, Expr::value("stopped"))
        .filter(export::Column::State.eq(ExportState::Running))
        .filter(export::Column::StartedAt.lt(now - Duration::minutes(STALE_MINUTES)))
        .exec(db)
        .await?;
    let waiting = export::Entity::find()
        .filter(export::Column::State.eq(ExportState::Queued))
        .filter(export::Column::CreatedAt.lt(now - Duration::minutes(1)))
        .all(db)
        .await?;
    for row in waiting {
        tokio::spawn(run(db.clone(), media.clone(), data_dir.to_owned(), row.id));
    }
    let expired = export::Entity::find()
        .filter(export::Column::State.eq(ExportState::Ready))
        .filter(export::Column::ExpiresAt.lte(now))
        .all(db)
        .await?;
    let mut removed = 0;
    for row in expired {
        removed += expire(db, media, &row).await? as usize;
    }
    // Scratch files of jobs that stopped half-way (the overview and bundle in plain text).
    // Read the running ones first: a job claimed after this list was read makes its directory
    // after the listing below (and scratch directories of the last minutes stay anyway).
    let running: Vec<String> = export::Entity::find()
        .filter(export::Column::State.eq(ExportState::Running))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.id.to_string())
        .collect();
    if let Ok(entries) = std::fs::read_dir(data_dir.join("exports")) {
        for entry in entries.flatten() {
            let young = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .is_ok_and(|at| {
                    at.elapsed().unwrap_or_default() < std::time::Duration::from_secs(300)
                });
            if young {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if !running.contains(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(removed)
}

/// Every minute: `tidy`, and the access log's retention once a day.
pub fn spawn_worker(db: DatabaseConnection, media: MediaStore, data_dir: PathBuf) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_retention: Option<NaiveDate> = None;
        loop {
            tick.tick().await;
            let now = Utc::now();
            if let Err(error) = tidy(&db, &media, &data_dir, now).await {
                tracing::warn!(error = %error, "tidying exports failed");
            }
            if last_retention != Some(now.date_naive()) {
                match viewed::purge(&db, now).await {
                    Ok(_) => last_retention = Some(now.date_naive()),
                    Err(error) => tracing::warn!(error = %error, "access-log retention failed"),
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_named_after_the_client_and_the_months() {
        let range = Range::months("2026-09".parse().unwrap(), "2026-11".parse().unwrap());
        assert_eq!(
            file_name("Johanna", "de Vries-Ëlberg", &range),
            "kring-johanna-de-vries-elberg-2026-09-2026-11.zip"
        );
    }

    #[test]
    fn a_range_is_checked() {
        let month = |text: &str| text.parse::<YearMonth>().unwrap();
        let ask = |from: &str, until: &str| {
            check_range(&ExportRequest {
                from: month(from),
                until: month(until),
            })
        };
        assert!(ask("2026-09", "2026-11").is_ok());
        assert!(matches!(
            ask("2026-11", "2026-09"),
            Err(ApiError::Validation(_))
        ));
        assert!(matches!(
            ask("2006-01", "2026-11"),
            Err(ApiError::Validation(_))
        ));
        assert!(matches!(
            ask("2099-01", "2099-02"),
            Err(ApiError::Validation(_))
        ));
    }

    #[test]
    fn every_key_made_from_a_value_is_in_both_catalogs() {
        use kring_shared::{
            admin::CareRole, audit::AuditAction, dossier::AccessObject, pinboard::Mood,
        };
        use strum::IntoEnumIterator;
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Relationship::iter().map(|r| format!("export.relationship.{}", r.as_str())));
        keys.extend(CareRole::iter().map(|r| format!("export.care_role.{}", r.as_str())));
        keys.extend(
            Permission::ALL
                .iter()
                .map(|p| format!("export.permission.{}", p.as_str())),
        );
        keys.extend(AuditAction::iter().map(|a| format!("export.change.{}", a.as_str())));
        keys.extend(AccessObject::iter().map(|o| format!("export.object.{o}")));
        keys.extend(Mood::iter().map(|m| format!("export.mood.{}", <&str>::from(m))));
        for kind in ["report", "note", "questionnaire", "care_plan"] {
            keys.push(format!("export.kind.{kind}"));
        }
        for unit in ["day", "week", "month", "year"] {
            keys.push(format!("export.agenda.every_{unit}"));
            keys.push(format!("export.agenda.every_n_{unit}s"));
        }
        for key in keys {
            for language in [Language::Nl, Language::En] {
                assert_ne!(
                    crate::messages::text(language, &key, &[]),
                    key,
                    "{key} ({language:?})"
                );
            }
        }
    }

    #[test]
    fn dates_are_written_in_the_language() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(long_date(Language::Nl, date), "29 november 2026");
        assert_eq!(long_date(Language::En, date), "29 November 2026");
    }
}
