//! Limits on how often something may happen (sends, tries, suggestions), counted in the
//! database so that parallel requests — and several instances — share one count. Each hit is
//! one atomic upsert on `rate_limits` that also returns the new count, so there is no window
//! between reading and writing for a racing request to slip through.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::error::ApiError;

/// A fixed-window limit: at most `max` hits per `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: i32,
    pub window_seconds: i64,
}

impl Limit {
    /// `max` hits per `window_seconds`.
    pub const fn new(max: i32, window_seconds: i64) -> Limit {
        Limit {
            max,
            window_seconds,
        }
    }
}

/// Wrong passwords given to re-authenticate, per user (a sign-in, throttled like one).
pub const REAUTHENTICATION: Limit = Limit::new(10, 15 * 60);
/// Codes tried to confirm an authenticator app, per user.
pub const TOTP_ENROLMENT_CODES: Limit = Limit::new(5, 15 * 60);
/// Starting a mobile-number change: one per minute …
pub const MOBILE_CHANGE_COOLDOWN: Limit = Limit::new(1, 60);
/// … and five a day, per user, so nobody pumps SMS through Kring.
pub const MOBILE_CHANGES_PER_DAY: Limit = Limit::new(5, 24 * 60 * 60);
/// *Wachtwoord vergeten* mails per account (more are answered alike and dropped).
pub const RESET_REQUESTS: Limit = Limit::new(5, 60 * 60);
/// "Bedoelde u …" look-ups, per user.
pub const CONTACT_SUGGESTIONS: Limit = Limit::new(30, 60 * 60);
/// *Download* exports started, per user a day.
pub const EXPORTS: Limit = Limit::new(20, 24 * 60 * 60);
/// FHIR `$everything` bundles, per user an hour.
pub const EVERYTHING: Limit = Limit::new(30, 60 * 60);
/// Access-log CSV files, per user an hour.
pub const ACCESS_LOG_CSV: Limit = Limit::new(30, 60 * 60);
/// Invitations and first-access mails sent, per administrator.
pub const INVITATIONS: Limit = Limit::new(30, 60 * 60);

/// Counts one hit on `key`; `RateLimited` (with the seconds until the window ends) when this
/// hit goes over `limit`.
pub async fn hit(db: &impl ConnectionTrait, key: &str, limit: Limit) -> Result<(), ApiError> {
    count(db, Counters::RateLimits, key, limit).await
}

/// Counts one sign-in request of a client address (the per-address throttle in front of every
/// sign-in endpoint), for the whole deployment: every instance counts in the same table. On
/// PostgreSQL that table is unlogged, so the count costs no fsync.
pub async fn hit_sign_in(
    db: &impl ConnectionTrait,
    key: &str,
    limit: Limit,
) -> Result<(), ApiError> {
    count(db, Counters::SignInThrottle, key, limit).await
}

/// The tables counters live in.
#[derive(Debug, Clone, Copy)]
enum Counters {
    /// Limits on sends and tries: kept across a crash.
    RateLimits,
    /// The sign-in throttle: worthless after a crash (unlogged on PostgreSQL).
    SignInThrottle,
}

impl Counters {
    fn table(self) -> &'static str {
        match self {
            Counters::RateLimits => "rate_limits",
            Counters::SignInThrottle => "sign_in_throttle",
        }
    }
}

/// One atomic upsert that starts a new window or adds a hit, and returns the new count. Once a
/// window is over its limit the upsert's `WHERE` leaves the row alone, so a flood of refused
/// requests writes nothing (on SQLite no fsync, on PostgreSQL no dead row per request).
async fn count(
    db: &impl ConnectionTrait,
    counters: Counters,
    key: &str,
    limit: Limit,
) -> Result<(), ApiError> {
    let now = Utc::now().timestamp();
    let backend = db.get_database_backend();
    let table = counters.table();
    let [key_p, now_p, cutoff_p, max_p] = match backend {
        DbBackend::Postgres => ["$1", "$2", "$3", "$4"],
        _ => ["?1", "?2", "?3", "?4"],
    };
    let sql = format!(
        "INSERT INTO {table} (bucket, window_start, hits) VALUES ({key_p}, {now_p}, 1) \
         ON CONFLICT (bucket) DO UPDATE SET \
           hits = CASE WHEN {table}.window_start <= {cutoff_p} THEN 1 ELSE {table}.hits + 1 END, \
           window_start = CASE WHEN {table}.window_start <= {cutoff_p} THEN {now_p} ELSE {table}.window_start END \
         WHERE {table}.window_start <= {cutoff_p} OR {table}.hits <= {max_p} \
         RETURNING hits, window_start"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                key.into(),
                now.into(),
                (now - limit.window_seconds).into(),
                limit.max.into(),
            ],
        ))
        .await?;
    let window_start = match row {
        Some(row) => {
            let hits: i32 = row.try_get_by_index(0)?;
            if hits <= limit.max {
                return Ok(());
            }
            row.try_get_by_index::<i64>(1)?
        }
        // Already over the limit: only read when the window ends.
        None => {
            let sql = format!("SELECT window_start FROM {table} WHERE bucket = {key_p}");
            match db
                .query_one_raw(Statement::from_sql_and_values(backend, sql, [key.into()]))
                .await?
            {
                Some(row) => row.try_get_by_index::<i64>(0)?,
                None => now,
            }
        }
    };
    let wait = (window_start + limit.window_seconds - now).max(1);
    Err(ApiError::RateLimited {
        retry_after: u64::try_from(wait).unwrap_or(1),
    })
}

/// Forgets the hits on `key` (after a success that should not count against the user).
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), ApiError> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "DELETE FROM rate_limits WHERE bucket = $1",
        _ => "DELETE FROM rate_limits WHERE bucket = ?1",
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, [key.into()]))
        .await?;
    Ok(())
}

/// Removes windows that ended more than a day ago, and sign-in counts older than ten minutes
/// (keeps the tables small).
pub async fn prune(db: &impl ConnectionTrait) -> Result<(), ApiError> {
    let backend = db.get_database_backend();
    let now = Utc::now().timestamp();
    for (counters, cutoff) in [
        (Counters::RateLimits, now - 2 * 24 * 60 * 60),
        (Counters::SignInThrottle, now - 10 * 60),
    ] {
        let sql = match backend {
            DbBackend::Postgres => {
                format!("DELETE FROM {} WHERE window_start < $1", counters.table())
            }
            _ => format!("DELETE FROM {} WHERE window_start < ?1", counters.table()),
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [cutoff.into()],
        ))
        .await?;
    }
    Ok(())
}
