//! The client's data in their own hands: *Download* (a ZIP with a readable overview, a FHIR R4
//! bundle and the files, for a month range), *Wie heeft mijn dossier bekeken* (the access log
//! in plain words, with the changes to the network) and every user's own data as JSON.
//! Download and the access log are for the client and portal administrators (*Instellingen*).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{admin::CareRole, me::Relationship};

/// The longest range one export covers, in months (ten years).
pub const MAX_EXPORT_MONTHS: u32 = 120;

/// A calendar month, sent as `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl YearMonth {
    /// The month of `date`.
    pub fn of(date: NaiveDate) -> YearMonth {
        use chrono::Datelike;
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The month after it.
    pub fn next(self) -> YearMonth {
        if self.month >= 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// How many months from `self` through `until`, both included (0 when `until` is earlier).
    pub fn months_through(self, until: YearMonth) -> u32 {
        let start = self.year * 12 + self.month as i32;
        let end = until.year * 12 + until.month as i32;
        (end - start + 1).max(0) as u32
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for YearMonth {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<YearMonth, Self::Err> {
        let (year, month) = text.split_once('-').ok_or("expected YYYY-MM")?;
        if year.len() != 4 || month.len() != 2 {
            return Err("expected YYYY-MM");
        }
        let year: i32 = year.parse().map_err(|_| "expected YYYY-MM")?;
        let month: u32 = month.parse().map_err(|_| "expected YYYY-MM")?;
        if !(1..=12).contains(&month) || !(1900..=2999).contains(&year) {
            return Err("no such month");
        }
        Ok(YearMonth { year, month })
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<YearMonth, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// *Gegevens opslaan*: the months to export, both included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"from": "2026-09", "until": "2026-11"})))]
pub struct ExportRequest {
    /// The first month (`YYYY-MM`).
    #[cfg_attr(
        feature = "server",
        schema(value_type = String, pattern = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$")
    )]
    pub from: YearMonth,
    /// The last month (`YYYY-MM`), not before `from`, at most 120 months later.
    #[cfg_attr(
        feature = "server",
        schema(value_type = String, pattern = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$")
    )]
    pub until: YearMonth,
}

/// Where an export is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema, sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "server",
    sea_orm(value_type = "String", from_str = "ExportState::from_stored")
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ExportState {
    /// Waiting for a worker.
    Queued,
    /// Being written; `progress` says how far.
    Running,
    /// The file can be downloaded until `expires_at`.
    Ready,
    /// Something went wrong; nothing can be downloaded. Try again.
    Failed,
    /// The file was removed after its time.
    Expired,
}

impl ExportState {
    /// Reads a stored name; an unknown one reads as `Failed` (nothing to download).
    pub fn from_stored(name: &str) -> Result<ExportState, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(ExportState::Failed))
    }
}

/// One export of a client's data, as its requester sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "id": "5f0c1d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f",
    "from": "2026-09",
    "until": "2026-11",
    "state": "ready",
    "progress": 100,
    "created_at": "2026-11-30T14:05:00Z",
    "finished_at": "2026-11-30T14:05:09Z",
    "expires_at": "2026-12-01T14:05:09Z",
    "size_bytes": 1843200,
    "file_name": "kring-johanna-de-vries-2026-09-2026-11.zip"
})))]
pub struct ExportStatus {
    pub id: Uuid,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub from: YearMonth,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub until: YearMonth,
    pub state: ExportState,
    /// 0–100.
    pub progress: u8,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// When a ready file is removed.
    pub expires_at: Option<DateTime<Utc>>,
    pub size_bytes: Option<i64>,
    /// The ZIP's name when downloaded.
    pub file_name: String,
}

/// The user's exports of this client, newest first, and how long a file is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ExportList {
    pub exports: Vec<ExportStatus>,
    /// Hours a ready file can be downloaded (organisation setting).
    pub keep_hours: i16,
    /// The earliest month with data, to start the month choice at.
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub earliest: Option<YearMonth>,
}

/// A one-time address that downloads a ready export without a bearer token (so the browser
/// saves it straight to disk); it works once, within a minute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DownloadLink {
    /// A path under this server, e.g. `/api/exports/download?ticket=…`.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Who read, as the access-log page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Viewer {
    /// The client themselves.
    Client { name: String },
    /// Someone of the network, always by name, with their relationship to the client.
    Contact {
        name: String,
        relationship: Relationship,
    },
    /// A care worker: by name or only by role, as the organisation chose; the care role is
    /// absent when they are not (or no longer) in the client's team.
    CareWorker {
        name: Option<String>,
        care_role: Option<CareRole>,
        organisation: String,
    },
    /// An administrator of the care organisation.
    Organisation {
        name: Option<String>,
        organisation: String,
    },
    /// The ECD or another linked system.
    System { name: String },
}

/// What a row of the access-log page is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ViewedItem {
    /// A read or write of care data: `object` is an access-log object name, e.g.
    /// `dossier.list.report`, `agenda`, `messages`, `export`.
    Access {
        action: crate::dossier::AccessAction,
        object: String,
        /// The exported months, for `export`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        range: Option<String>,
    },
    /// A change to the network from the audit log (`action` is an audit action name, e.g.
    /// `permissions_changed`), with the person it was about.
    Change {
        action: crate::audit::AuditAction,
        target: Option<String>,
    },
}

/// One line: "Dinsdag 24 november, 14:05 — Fatima El Amrani (EVV, Zorggroep De Linde) las de
/// rapportages."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ViewedEntry {
    pub at: DateTime<Utc>,
    /// The person who read, for the person filter (absent when shown by role only).
    pub person_id: Option<Uuid>,
    pub viewer: Viewer,
    pub item: ViewedItem,
    /// On whose behalf it was done, when that is not the viewer themselves: e.g. an
    /// organisation administrator acting for the organisation.
    pub on_behalf_of: Option<String>,
}

/// A person to filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ViewerOption {
    pub person_id: Uuid,
    pub name: String,
}

/// A page of *Wie heeft mijn dossier bekeken*, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ViewLogPage {
    pub entries: Vec<ViewedEntry>,
    /// Pass as `cursor` for older lines; absent on the last page.
    pub next_cursor: Option<String>,
    /// The people who appear by name in this client's log, for the filter.
    pub people: Vec<ViewerOption>,
    /// The months that have lines, newest first, for the month filter.
    #[cfg_attr(feature = "server", schema(value_type = Vec<String>))]
    pub months: Vec<YearMonth>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_reads_and_writes_as_year_dash_month() {
        let month: YearMonth = "2026-09".parse().unwrap();
        assert_eq!(
            month,
            YearMonth {
                year: 2026,
                month: 9
            }
        );
        assert_eq!(month.to_string(), "2026-09");
        assert!("2026-13".parse::<YearMonth>().is_err());
        assert!("2026-9".parse::<YearMonth>().is_err());
        assert_eq!(
            YearMonth {
                year: 2026,
                month: 12
            }
            .next(),
            YearMonth {
                year: 2027,
                month: 1
            }
        );
        assert_eq!(month.months_through("2026-11".parse().unwrap()), 3);
        assert_eq!(month.months_through("2026-08".parse().unwrap()), 0);
    }
}

/// How care workers appear on the access-log page (NEN 7513 allows tiered disclosure: first the
/// responsible role and organisation, a name only after weighing interests). Family members
/// always appear by name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema, sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "server",
    sea_orm(value_type = "String", from_str = "StaffDisclosure::from_stored")
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum StaffDisclosure {
    /// "Fatima El Amrani (EVV, Zorggroep De Linde)".
    Name,
    /// "Een EVV van Zorggroep De Linde".
    #[default]
    Role,
}

impl StaffDisclosure {
    /// Reads a stored name; an unknown one is the cautious `Role`.
    pub fn from_stored(name: &str) -> Result<StaffDisclosure, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(StaffDisclosure::Role))
    }
}
