//! *Wie heeft mijn dossier bekeken* (Wabvpz art. 15e, NEN 7513): the access log of one client,
//! with the changes to the network from the audit log, newest first, for the client and portal
//! administrators; as CSV too. Care workers appear by name or by role only, as the organisation
//! chose (tiered disclosure); family members always by name. And the retention job: rows past
//! the organisation's period are removed, which the (chained) audit log records.

use std::collections::HashMap;

use chrono::{DateTime, Months, SecondsFormat, Utc};
use kring_shared::{
    admin::CareRole,
    audit::AuditAction,
    export::{
        StaffDisclosure, ViewLogPage, ViewedEntry, ViewedItem, Viewer, ViewerOption, YearMonth,
    },
    me::{AccountKind, Language, Relationship},
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::owner_access;
use crate::{
    entities::{access_log, audit_entry, care_team_member, organisation, user},
    error::ApiError,
    messages::text,
    services::{agenda::time, audit},
};

/// Lines per page.
const PAGE: u64 = 100;
/// The audit actions that are changes to a client's network.
const NETWORK_CHANGES: [AuditAction; 6] = [
    AuditAction::ContactAdded,
    AuditAction::ContactRemoved,
    AuditAction::PermissionsChanged,
    AuditAction::InvitationSent,
    AuditAction::PrimaryContactAppointed,
    AuditAction::DischargeDateSet,
];
/// Lines in one CSV at most.
const CSV_ROWS: u64 = 50_000;

/// What to show.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub month: Option<YearMonth>,
    pub person: Option<Uuid>,
    pub cursor: Option<String>,
}

/// Where a page ends: the time and a key that orders rows of the same time (`a:<uuid>` for
/// access rows, `b:<seq>` for audit rows).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Position {
    at: DateTime<Utc>,
    key: String,
}

impl Position {
    fn encode(&self) -> String {
        format!(
            "{}|{}",
            self.at.to_rfc3339_opts(SecondsFormat::Nanos, true),
            self.key
        )
    }

    fn decode(text: &str) -> Result<Position, ApiError> {
        let bad = || ApiError::Malformed("cursor: not one this API gave".into());
        let (at, key) = text.split_once('|').ok_or_else(bad)?;
        let at = DateTime::parse_from_rfc3339(at)
            .map_err(|_| bad())?
            .with_timezone(&Utc);
        let valid = match key.split_once(':') {
            Some(("a", id)) => Uuid::parse_str(id).is_ok(),
            Some(("b", seq)) => seq.len() == 20 && seq.bytes().all(|b| b.is_ascii_digit()),
            _ => false,
        };
        if !valid {
            return Err(bad());
        }
        Ok(Position {
            at,
            key: key.to_owned(),
        })
    }
}

fn access_key(row: &access_log::Model) -> String {
    format!("a:{}", row.id)
}

fn audit_key(row: &audit_entry::Model) -> String {
    format!("b:{:020}", row.seq)
}

/// One row of either log, before it is put into words.
enum Row {
    Access(access_log::Model),
    Change(audit_entry::Model),
}

impl Row {
    fn position(&self) -> Position {
        match self {
            Row::Access(row) => Position {
                at: row.occurred_at,
                key: access_key(row),
            },
            Row::Change(row) => Position {
                at: row.occurred_at,
                key: audit_key(row),
            },
        }
    }

    fn user(&self) -> Option<Uuid> {
        match self {
            Row::Access(row) => row.user_id,
            Row::Change(row) => row.actor_user_id,
        }
    }
}

/// Who may be named, and what they are.
struct People {
    users: HashMap<Uuid, user::Model>,
    roles: HashMap<Uuid, CareRole>,
    organisation: organisation::Model,
}

impl People {
    async fn load(
        db: &DatabaseConnection,
        organisation: organisation::Model,
        client_id: Uuid,
        ids: Vec<Uuid>,
    ) -> Result<People, ApiError> {
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|user| (user.id, user))
            .collect();
        let roles = care_team_member::Entity::find()
            .filter(care_team_member::Column::ClientId.eq(client_id))
            .all(db)
            .await?
            .into_iter()
            .map(|member| (member.care_worker_id, member.care_role))
            .collect();
        Ok(People {
            users,
            roles,
            organisation,
        })
    }

    fn is_staff(&self, user: Uuid) -> bool {
        self.users.get(&user).is_some_and(|user| {
            matches!(
                user.kind,
                AccountKind::CareWorker | AccountKind::OrganisationAdmin
            )
        })
    }

    fn named(&self) -> bool {
        self.organisation.access_log_staff == StaffDisclosure::Name
    }

    /// The viewer of a row: `name` is the name the log kept.
    fn viewer(&self, user: Option<Uuid>, name: &str, acting_as: Relationship) -> Viewer {
        let Some(account) = user.and_then(|user| self.users.get(&user)) else {
            return match user {
                None => Viewer::System {
                    name: name.to_owned(),
                },
                // A person since removed: by the name the log kept.
                Some(_) => Viewer::Contact {
                    name: name.to_owned(),
                    relationship: acting_as,
                },
            };
        };
        let staff_name = self.named().then(|| name.to_owned());
        match account.kind {
            AccountKind::CareWorker => Viewer::CareWorker {
                name: staff_name,
                care_role: self.roles.get(&account.id).copied(),
                organisation: self.organisation.name.clone(),
            },
            AccountKind::OrganisationAdmin => Viewer::Organisation {
                name: staff_name,
                organisation: self.organisation.name.clone(),
            },
            _ if acting_as == Relationship::Client => Viewer::Client {
                name: name.to_owned(),
            },
            _ => Viewer::Contact {
                name: name.to_owned(),
                relationship: acting_as,
            },
        }
    }

    /// The person id a line may carry: none for staff shown by role only.
    fn person_id(&self, user: Option<Uuid>) -> Option<Uuid> {
        user.filter(|user| self.named() || !self.is_staff(*user))
    }
}

fn month_bounds(month: YearMonth) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        time::day_start(month.first_day()),
        time::day_start(month.next().first_day()),
    )
}

/// The rows after `cursor`, newest first, at most `limit` (+1 to see whether there are more).
async fn rows(
    db: &DatabaseConnection,
    client_id: Uuid,
    filter: &Filter,
    cursor: Option<&Position>,
    limit: u64,
) -> Result<Vec<Row>, ApiError> {
    let mut access = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(client_id))
        .order_by_desc(access_log::Column::OccurredAt)
        .order_by_desc(access_log::Column::Id)
        .limit(limit);
    // Only changes to the network, filtered before the limit so none fall between pages.
    let mut changes = audit_entry::Entity::find()
        .filter(audit_entry::Column::ClientId.eq(client_id))
        .filter(audit_entry::Column::Action.is_in(NETWORK_CHANGES.map(AuditAction::as_str)))
        .order_by_desc(audit_entry::Column::OccurredAt)
        .order_by_desc(audit_entry::Column::Seq)
        .limit(limit);
    if let Some(month) = filter.month {
        let (start, end) = month_bounds(month);
        access = access
            .filter(access_log::Column::OccurredAt.gte(start))
            .filter(access_log::Column::OccurredAt.lt(end));
        changes = changes
            .filter(audit_entry::Column::OccurredAt.gte(start))
            .filter(audit_entry::Column::OccurredAt.lt(end));
    }
    if let Some(person) = filter.person {
        access = access.filter(access_log::Column::UserId.eq(person));
        changes = changes.filter(audit_entry::Column::ActorUserId.eq(person));
    }
    if let Some(cursor) = cursor {
        // Access keys (`a:`) sort before audit keys (`b:`) at the same instant.
        let mut same_time_access =
            Condition::all().add(access_log::Column::OccurredAt.eq(cursor.at));
        if let Some(("a", id)) = cursor.key.split_once(':') {
            let id = Uuid::parse_str(id).unwrap_or_default();
            same_time_access = same_time_access.add(access_log::Column::Id.lt(id));
        }
        access = access.filter(
            Condition::any()
                .add(access_log::Column::OccurredAt.lt(cursor.at))
                .add(same_time_access),
        );
        let mut same_time_change =
            Condition::all().add(audit_entry::Column::OccurredAt.eq(cursor.at));
        match cursor.key.split_once(':') {
            Some(("b", seq)) => {
                let seq: i64 = seq.parse().unwrap_or(0);
                same_time_change = same_time_change.add(audit_entry::Column::Seq.lt(seq));
            }
            // After an access row of the same instant no audit row of that instant is left.
            _ => same_time_change = same_time_change.add(audit_entry::Column::Seq.lt(0)),
        }
        changes = changes.filter(
            Condition::any()
                .add(audit_entry::Column::OccurredAt.lt(cursor.at))
                .add(same_time_change),
        );
    }
    let mut merged: Vec<Row> = access
        .all(db)
        .await?
        .into_iter()
        .map(Row::Access)
        .chain(changes.all(db).await?.into_iter().map(Row::Change))
        .collect();
    merged.sort_by_key(|row| std::cmp::Reverse(row.position()));
    merged.truncate(limit as usize);
    Ok(merged)
}

fn entry(people: &People, row: &Row) -> ViewedEntry {
    match row {
        Row::Access(row) => ViewedEntry {
            at: row.occurred_at,
            person_id: people.person_id(row.user_id),
            viewer: people.viewer(
                row.user_id,
                &row.user_name,
                row.acting_as.known().unwrap_or(Relationship::Other),
            ),
            item: ViewedItem::Access {
                action: row.action,
                object: row.object.name().to_owned(),
                range: row.detail.clone(),
            },
            on_behalf_of: None,
        },
        Row::Change(row) => {
            let acting_as = row
                .on_behalf_of
                .as_deref()
                .map(|name| Relationship::from_stored(name).unwrap_or(Relationship::Other))
                .unwrap_or(Relationship::Other);
            ViewedEntry {
                at: row.occurred_at,
                person_id: people.person_id(row.actor_user_id),
                viewer: people.viewer(row.actor_user_id, &row.actor_name, acting_as),
                item: ViewedItem::Change {
                    action: row
                        .action
                        .known()
                        .unwrap_or(AuditAction::PermissionsChanged),
                    target: row.target_name.clone(),
                },
                on_behalf_of: None,
            }
        }
    }
}

/// Refuses a person filter that would single out a care worker shown by role only.
async fn check_person(
    db: &DatabaseConnection,
    organisation: &organisation::Model,
    filter: &Filter,
) -> Result<(), ApiError> {
    if let Some(person) = filter.person
        && organisation.access_log_staff == StaffDisclosure::Role
    {
        let staff = user::Entity::find_by_id(person)
            .filter(user::Column::OrganisationId.eq(organisation.id))
            .one(db)
            .await?
            .is_some_and(|user| user.kind != AccountKind::Person);
        if staff {
            return Err(ApiError::Validation(vec![kring_shared::FieldError {
                field: "person".into(),
                code: "not_named".into(),
            }]));
        }
    }
    Ok(())
}

/// One page of the client's log.
pub async fn page(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
    filter: Filter,
) -> Result<ViewLogPage, ApiError> {
    let access = owner_access(db, account, client_id).await?;
    check_person(db, &access.organisation, &filter).await?;
    let cursor = filter.cursor.as_deref().map(Position::decode).transpose()?;
    let mut rows = rows(db, client_id, &filter, cursor.as_ref(), PAGE + 1).await?;
    let more = rows.len() as u64 > PAGE;
    rows.truncate(PAGE as usize);
    let next_cursor = more
        .then(|| rows.last().map(|row| row.position().encode()))
        .flatten();
    // Everyone who appears in the whole log, for the filter.
    let readers: Vec<(Option<Uuid>, String)> = access_log::Entity::find()
        .select_only()
        .column(access_log::Column::UserId)
        .column(access_log::Column::UserName)
        .filter(access_log::Column::ClientId.eq(client_id))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut ids: Vec<Uuid> = rows.iter().filter_map(Row::user).collect();
    ids.extend(readers.iter().filter_map(|(id, _)| *id));
    ids.sort();
    ids.dedup();
    let people = People::load(db, access.organisation.clone(), client_id, ids).await?;
    let mut options: Vec<ViewerOption> = Vec::new();
    for (id, name) in readers {
        let Some(id) = people.person_id(id) else {
            continue;
        };
        if !options.iter().any(|option| option.person_id == id) {
            options.push(ViewerOption {
                person_id: id,
                name,
            });
        }
    }
    options.sort_by_key(|option| option.name.to_lowercase());
    let first = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(client_id))
        .order_by_asc(access_log::Column::OccurredAt)
        .one(db)
        .await?;
    let mut months = Vec::new();
    if let Some(first) = first {
        let first = YearMonth::of(time::local(first.occurred_at).date());
        let mut month = YearMonth::of(time::local(Utc::now()).date());
        while month >= first && months.len() < 240 {
            months.push(month);
            month = if month.month == 1 {
                YearMonth {
                    year: month.year - 1,
                    month: 12,
                }
            } else {
                YearMonth {
                    year: month.year,
                    month: month.month - 1,
                }
            };
        }
    }
    Ok(ViewLogPage {
        entries: rows.iter().map(|row| entry(&people, row)).collect(),
        next_cursor,
        people: options,
        months,
    })
}

/// The words of a line for the CSV (and the overview of the log).
fn what(language: Language, item: &ViewedItem) -> String {
    match item {
        ViewedItem::Access {
            action,
            object,
            range,
        } => {
            let object_words = text(language, &format!("export.object.{object}"), &[]);
            let mut words = text(
                language,
                match action {
                    kring_shared::dossier::AccessAction::Read => "export.action.read",
                    kring_shared::dossier::AccessAction::Write => "export.action.write",
                },
                &[("object", &object_words)],
            );
            if let Some(range) = range {
                words.push_str(&format!(" ({range})"));
            }
            words
        }
        ViewedItem::Change { action, target } => {
            let mut words = text(language, &format!("export.change.{}", action.as_str()), &[]);
            if let Some(target) = target {
                words.push_str(&format!(": {target}"));
            }
            words
        }
    }
}

fn who(language: Language, viewer: &Viewer) -> [String; 4] {
    let role = |role: Option<CareRole>| {
        role.map(|role| {
            text(
                language,
                &format!("export.care_role.{}", role.as_str()),
                &[],
            )
        })
        .unwrap_or_else(|| text(language, "export.viewer.care_worker", &[]))
    };
    match viewer {
        Viewer::Client { name } => [
            name.clone(),
            text(language, "export.relationship.self", &[]),
            String::new(),
            String::new(),
        ],
        Viewer::Contact { name, relationship } => [
            name.clone(),
            text(
                language,
                &format!("export.relationship.{}", relationship.as_str()),
                &[],
            ),
            String::new(),
            String::new(),
        ],
        Viewer::CareWorker {
            name,
            care_role,
            organisation,
        } => [
            name.clone().unwrap_or_default(),
            String::new(),
            role(*care_role),
            organisation.clone(),
        ],
        Viewer::Organisation { name, organisation } => [
            name.clone().unwrap_or_default(),
            String::new(),
            text(language, "export.viewer.administrator", &[]),
            organisation.clone(),
        ],
        Viewer::System { name } => [
            name.clone(),
            String::new(),
            text(language, "export.viewer.system", &[]),
            String::new(),
        ],
    }
}

/// The log (with the same filters, all pages) as CSV: date, time, who, relationship, role,
/// organisation, what.
pub async fn csv(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
    filter: Filter,
) -> Result<String, ApiError> {
    let access = owner_access(db, account, client_id).await?;
    check_person(db, &access.organisation, &filter).await?;
    crate::services::limits::hit(
        db,
        &format!("access-log-csv:{}", account.id),
        crate::services::limits::ACCESS_LOG_CSV,
    )
    .await?;
    let rows = rows(db, client_id, &filter, None, CSV_ROWS).await?;
    let people = People::load(
        db,
        access.organisation.clone(),
        client_id,
        rows.iter().filter_map(Row::user).collect(),
    )
    .await?;
    let language = account.language;
    // Semicolons, as a Dutch spreadsheet program reads them, and every cell quoted.
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    let header: Vec<String> = [
        "date",
        "time",
        "who",
        "relationship",
        "role",
        "organisation",
        "what",
    ]
    .iter()
    .map(|column| text(language, &format!("export.csv.{column}"), &[]))
    .collect();
    out.write_record(&header).map_err(anyhow::Error::from)?;
    for row in &rows {
        let line = entry(&people, row);
        let local = time::local(line.at);
        let [name, relationship, role, organisation] = who(language, &line.viewer);
        out.write_record([
            local.date().to_string(),
            local.format("%H:%M").to_string(),
            cell(name),
            cell(relationship),
            cell(role),
            cell(organisation),
            cell(what(language, &line.item)),
        ])
        .map_err(anyhow::Error::from)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    // A byte-order mark, so spreadsheet programs read the letters as UTF-8.
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// A cell a spreadsheet will not run: a text starting with `=`, `+`, `-`, `@` or a control
/// character (a name typed as `=HYPERLINK(…)`) gets a leading apostrophe (OWASP CSV injection).
fn cell(text: String) -> String {
    if text
        .trim_start()
        .starts_with(['=', '+', '-', '@', '|', '\t', '\r'])
    {
        format!("'{text}")
    } else {
        text
    }
}

/// The first instant that is kept under a retention of `years`.
pub fn cutoff(now: DateTime<Utc>, years: i16) -> DateTime<Utc> {
    let months = u32::try_from(years.max(5)).unwrap_or(5) * 12;
    now.checked_sub_months(Months::new(months)).unwrap_or(now)
}

/// Removes every organisation's access-log rows older than its retention period (at least five
/// years); each removal is a row in the audit log. The number of rows removed.
pub async fn purge(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let mut removed = 0;
    for organisation in organisation::Entity::find().all(db).await? {
        let before = cutoff(now, organisation.access_log_years);
        let txn = crate::db::begin_write(db).await?;
        let deleted = access_log::Entity::delete_many()
            .filter(access_log::Column::OrganisationId.eq(organisation.id))
            .filter(access_log::Column::OccurredAt.lt(before))
            .exec(&txn)
            .await?;
        if deleted.rows_affected > 0 {
            audit::record(
                &txn,
                &audit::Actor {
                    user_id: None,
                    organisation_id: organisation.id,
                    name: "Kring".into(),
                    on_behalf_of: None,
                    ip_address: None,
                },
                audit::Change::new(
                    AuditAction::AccessLogPurged,
                    serde_json::json!({
                        "before": before.to_rfc3339_opts(SecondsFormat::Secs, true),
                        "rows": deleted.rows_affected,
                        "years": organisation.access_log_years,
                    }),
                ),
            )
            .await?;
        }
        txn.commit().await?;
        removed += deleted.rows_affected;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_a_made_up_one_is_refused() {
        let position = Position {
            at: Utc::now(),
            key: format!("a:{}", Uuid::new_v4()),
        };
        let decoded = Position::decode(&position.encode()).unwrap();
        assert_eq!(decoded.key, position.key);
        assert!(Position::decode("gisteren|a:1").is_err());
        assert!(Position::decode("2026-11-30T10:00:00Z|c:1").is_err());
        assert!(Position::decode("2026-11-30T10:00:00Z|b:12").is_err());
    }

    #[test]
    fn a_cell_that_looks_like_a_formula_is_made_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(cell("Fatima El Amrani".into()), "Fatima El Amrani");
    }

    #[test]
    fn retention_keeps_at_least_five_years() {
        let now = "2026-11-30T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(cutoff(now, 5).to_rfc3339(), "2021-11-30T12:00:00+00:00");
        assert_eq!(cutoff(now, 2), cutoff(now, 5));
        assert_eq!(cutoff(now, 7).to_rfc3339(), "2019-11-30T12:00:00+00:00");
    }
}
