//! Demo data for trying Kring and for the browser tests: one organisation with the seeds'
//! defaults, three clients with their networks, and a care team. Loading is idempotent: when the
//! demo organisation exists nothing is written; otherwise everything is written in one
//! transaction.

use chrono::Utc;
use kring_shared::{
    Permission,
    admin::{LockoutMode, ResetMode},
    contacts::{Gender, InvitationState},
    integration::Scope,
    me::{AccountKind, Language, Relationship},
    password::PasswordPolicy,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::password,
    entities::{client, client_contact, organisation, stored::KindList, user},
    services::{demo_dossier, integration},
};

/// The password of every demo account. Demo data only; never use outside a demo.
pub const DEMO_PASSWORD: &str = "Kring-Demo-2026";
/// The slug of the demo organisation.
pub const DEMO_ORGANISATION: &str = "demo";

/// One demo login, for the README and the run command's output.
#[derive(Debug, Clone, Copy)]
pub struct DemoLogin {
    pub username: &'static str,
    pub who: &'static str,
}

/// The demo logins, each with what it shows.
pub const DEMO_LOGINS: [DemoLogin; 10] = [
    DemoLogin {
        username: "marieke",
        who: "daughter and portal administrator of Johanna de Vries: all panels",
    },
    DemoLogin {
        username: "pieter",
        who: "son of Johanna de Vries: Agenda and Berichten only",
    },
    DemoLogin {
        username: "kees",
        who: "grandson of Johanna de Vries with no permission: sees only the photo",
    },
    DemoLogin {
        username: "sandra",
        who: "mentor of Gerrit Bakker and of Johanna de Vries: switches between two clients",
    },
    DemoLogin {
        username: "daan",
        who: "Daan Smit, a client who is his own portal administrator; shares his mood on the Prikbord",
    },
    DemoLogin {
        username: "fatima",
        who: "care worker, EVV in Johanna de Vries's care team",
    },
    DemoLogin {
        username: "thomas",
        who: "care worker, persoonlijk begeleider",
    },
    DemoLogin {
        username: "lotte",
        who: "care worker, zorgkundige",
    },
    DemoLogin {
        username: "anouk",
        who: "granddaughter of Gerrit Bakker, just invited: first login asks for a new password and a username",
    },
    DemoLogin {
        username: "beheer",
        who: "organisation administrator",
    },
];

/// Whether loading wrote anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded,
    AlreadyPresent,
}

struct Person {
    username: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    gender: Gender,
    /// The last two digits of the person's mobile number.
    slot: u8,
    kind: AccountKind,
}

/// Which demo organisation is written: the demo itself, or one of its copies.
///
/// A copy is the same organisation, people and dossiers under its own slug, usernames and
/// mobile numbers, so that a browser test can change what it likes without touching what
/// another test sees (`kring demo --copy`).
#[derive(Debug, Clone)]
pub struct DemoVariant {
    slug: String,
    /// Added to every username, e.g. `-17`.
    suffix: String,
    /// The five digits after +31 61 in each mobile number (the demo's own are 23456).
    number_block: u32,
}

impl DemoVariant {
    /// The demo organisation itself.
    pub fn original() -> DemoVariant {
        DemoVariant {
            slug: DEMO_ORGANISATION.to_owned(),
            suffix: String::new(),
            number_block: 23456,
        }
    }

    /// Copy number `number` (1–9999).
    pub fn copy(number: u32) -> DemoVariant {
        assert!(
            (1..=9999).contains(&number),
            "demo copies are numbered 1 to 9999"
        );
        DemoVariant {
            slug: format!("{DEMO_ORGANISATION}-{number}"),
            suffix: format!("-{number}"),
            number_block: number,
        }
    }

    /// The organisation's slug.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// The username of the demo person `base` (one of `DEMO_LOGINS`) in this variant.
    pub fn username(&self, base: &str) -> String {
        format!("{base}{}", self.suffix)
    }

    fn mobile(&self, slot: u8) -> String {
        format!("+3161{:05}{slot:02}", self.number_block)
    }

    /// Every demo login's username and mobile number in this variant, by the demo's own
    /// username.
    pub fn people(&self) -> Vec<(&'static str, String, String)> {
        PEOPLE
            .iter()
            .map(|person| {
                (
                    person.username,
                    self.username(person.username),
                    self.mobile(person.slot),
                )
            })
            .collect()
    }
}

/// Loads the demo data unless it is there already.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<DemoOutcome> {
    load_variant(db, &DemoVariant::original()).await
}

/// Loads a new copy of the demo under the first free copy number at or after `first`; two
/// commands running at once get different copies (the slug is unique, a taken one is skipped).
pub async fn load_copy(db: &DatabaseConnection, first: u32) -> anyhow::Result<DemoVariant> {
    let mut number = first.clamp(1, 9999);
    for _ in 0..9999 {
        let variant = DemoVariant::copy(number);
        match load_variant(db, &variant).await {
            Ok(DemoOutcome::Loaded) => return Ok(variant),
            Ok(DemoOutcome::AlreadyPresent) => {}
            Err(error) if is_unique_violation(&error) => {}
            Err(error) => return Err(error),
        }
        number = number % 9999 + 1;
    }
    anyhow::bail!("every demo copy number is taken")
}

fn is_unique_violation(error: &anyhow::Error) -> bool {
    error.downcast_ref::<sea_orm::DbErr>().is_some_and(|error| {
        matches!(
            error.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        )
    })
}

async fn load_variant(
    db: &DatabaseConnection,
    variant: &DemoVariant,
) -> anyhow::Result<DemoOutcome> {
    let existing = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(variant.slug()))
        .one(db)
        .await?;
    if existing.is_some() {
        return Ok(DemoOutcome::AlreadyPresent);
    }
    let password_hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let txn = crate::db::begin_write(db).await?;
    let org_id = Uuid::new_v4();
    let now = Utc::now();
    let organisation = organisation::ActiveModel {
        id: Set(org_id),
        slug: Set(variant.slug().to_owned()),
        name: Set("Zorggroep De Linde".to_owned()),
        logo_url: Set(None),
        primary_colour: Set("#1d5b79".to_owned()),
        help_url: Set(Some(
            "https://www.zorggroepdelinde.nl/clientportaal".to_owned(),
        )),
        panel_agenda_enabled: Set(true),
        panel_messages_enabled: Set(true),
        panel_dossier_enabled: Set(true),
        panel_details_enabled: Set(true),
        care_messages: Set(kring_shared::messages::CareMessaging::Everyone),
        care_reply_days: Set(2),
        lockout_threshold: Set(5),
        reset_link_minutes: Set(10),
        verification_code_minutes: Set(10),
        trusted_device_days: Set(7),
        idle_timeout_minutes: Set(30),
        session_lifetime_hours: Set(12),
        password_policy: Set(PasswordPolicy::Composition),
        discharge_access_days: Set(7),
        languages: Set(KindList(vec![Language::Nl, Language::En])),
        created_at: Set(now),
        lockout_mode: Set(LockoutMode::UntilReset),
        temporary_password_hours: Set(72),
        reset_mode: Set(ResetMode::Link),
        allowed_mobile_countries: Set("NL,BE,DE".to_owned()),
        agenda_care_shown: Set(true),
        agenda_contacts_may_add: Set(true),
        agenda_always_private: Set(false),
        export_keep_hours: Set(24),
        access_log_years: Set(5),
        // De Linde weighed it: families see which care worker read the dossier.
        access_log_staff: Set(kring_shared::export::StaffDisclosure::Name),
    }
    .insert(&txn)
    .await?;

    let mut ids = std::collections::HashMap::new();
    for person in &PEOPLE {
        let id = insert_user(&txn, org_id, person, variant, &password_hash).await?;
        ids.insert(person.username, id);
    }
    // Anouk was just invited: her password is temporary and she still chooses her username.
    user::Entity::update_many()
        .col_expr(user::Column::MustChangePassword, Expr::value(true))
        .col_expr(user::Column::UsernameChosen, Expr::value(false))
        .filter(user::Column::Id.eq(id_of(&ids, "anouk")?))
        .exec(&txn)
        .await?;
    let id = |username: &str| id_of(&ids, username);

    // The care workers are known to the ECD by its ids.
    for (username, external_id) in [
        ("fatima", "MW-2001"),
        ("thomas", "MW-2002"),
        ("lotte", "MW-2003"),
    ] {
        user::Entity::update_many()
            .col_expr(user::Column::ExternalId, Expr::value(external_id))
            .filter(user::Column::Id.eq(id(username)?))
            .exec(&txn)
            .await?;
    }
    // Clients, care teams and dossiers arrive the way an ECD sends them: through the
    // integration API's operations. Before the networks are linked, so loading does not
    // notify anyone of the demo's care plans.
    let mut events = Vec::new();
    for operation in demo_dossier::operations(now)? {
        integration::apply_in(
            &txn,
            &mut Default::default(),
            &organisation,
            &Scope::ALL,
            &operation,
            &mut events,
        )
        .await
        .map_err(|error| anyhow::anyhow!("demo operation failed: {error:?}"))?;
    }
    let client_id = |external_id: &str| {
        let txn = &txn;
        let external_id = external_id.to_owned();
        async move {
            client::Entity::find()
                .filter(client::Column::OrganisationId.eq(org_id))
                .filter(client::Column::ExternalId.eq(external_id))
                .one(txn)
                .await?
                .map(|client| client.id)
                .ok_or_else(|| anyhow::anyhow!("demo client missing"))
        }
    };
    let johanna = client_id("ECD-1001").await?;
    let gerrit = client_id("ECD-1002").await?;
    let daan = client_id("ECD-1003").await?;

    use Permission::*;
    link(
        &txn,
        johanna,
        id("marieke")?,
        Relationship::Child,
        true,
        &[Messages, Agenda, Dossier, Details, Settings],
    )
    .await?;
    link(
        &txn,
        johanna,
        id("pieter")?,
        Relationship::Child,
        false,
        &[Messages, Agenda],
    )
    .await?;
    link(
        &txn,
        johanna,
        id("kees")?,
        Relationship::Grandchild,
        false,
        &[],
    )
    .await?;
    link(
        &txn,
        johanna,
        id("sandra")?,
        Relationship::Mentor,
        false,
        &[Dossier, Details],
    )
    .await?;
    link(
        &txn,
        gerrit,
        id("sandra")?,
        Relationship::Mentor,
        true,
        &[Messages, Agenda, Dossier, Details, Settings],
    )
    .await?;
    link(
        &txn,
        gerrit,
        id("anouk")?,
        Relationship::Grandchild,
        false,
        &[Messages, Agenda],
    )
    .await?;
    link(
        &txn,
        daan,
        id("daan")?,
        Relationship::Client,
        true,
        &[Messages, Agenda, Dossier, Details, Settings],
    )
    .await?;
    own_appointments(&txn, johanna, id("marieke")?, id("pieter")?, now).await?;
    pinboard(
        &txn,
        johanna,
        id("marieke")?,
        id("sandra")?,
        daan,
        id("daan")?,
        now,
    )
    .await?;
    conversations(
        &txn,
        johanna,
        [id("marieke")?, id("pieter")?, id("lotte")?],
        now,
    )
    .await?;

    txn.commit().await?;
    Ok(DemoOutcome::Loaded)
}

/// Two conversations about Johanna: Marieke and Pieter on her birthday (one unread for
/// Marieke), and Marieke's question to the care team, answered and read by Lotte. Written
/// without notifications or e-mails.
async fn conversations(
    txn: &DatabaseTransaction,
    johanna: Uuid,
    [marieke, pieter, lotte]: [Uuid; 3],
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    use crate::entities::{conversation, conversation_member, message, message_receipt};
    let family = Uuid::new_v4();
    let care = Uuid::new_v4();
    let hours = chrono::Duration::hours;
    for (id, subject, started_by, to_team, with_care, last) in [
        (
            family,
            "Verjaardag van mama",
            marieke,
            false,
            false,
            hours(3),
        ),
        (care, "Nieuwe bril", marieke, true, true, hours(44)),
    ] {
        conversation::ActiveModel {
            id: Set(id),
            client_id: Set(johanna),
            subject: Set(subject.to_owned()),
            started_by: Set(started_by),
            to_team: Set(to_team),
            with_care: Set(with_care),
            last_message_at: Set(now - last),
            created_at: Set(now - last),
        }
        .insert(txn)
        .await?;
    }
    for (conversation_id, user_id, is_care) in [
        (family, marieke, false),
        (family, pieter, false),
        (care, marieke, false),
        (care, lotte, true),
    ] {
        conversation_member::ActiveModel {
            conversation_id: Set(conversation_id),
            user_id: Set(user_id),
            is_care: Set(is_care),
            joined_at: Set(now - hours(50)),
        }
        .insert(txn)
        .await?;
    }
    // (conversation, author, text, hours ago, who received it and whether they read it)
    type DemoMessage<'a> = (Uuid, Uuid, &'a str, i64, &'a [(Uuid, bool)]);
    let messages: [DemoMessage; 4] = [
        (
            family,
            marieke,
            "Zullen we mama's verjaardag zaterdag vieren op de afdeling? Ik neem taart mee.",
            26,
            &[(pieter, true)],
        ),
        (
            family,
            pieter,
            "Goed idee. Ik kom om drie uur en neem bloemen mee.",
            3,
            &[(marieke, false)],
        ),
        (
            care,
            marieke,
            "Moeder heeft een nieuwe bril nodig. Kan iemand een afspraak maken bij de opticien?",
            50,
            &[(lotte, true)],
        ),
        (
            care,
            lotte,
            "Dat regelen we. De opticien komt donderdag op de afdeling.",
            44,
            &[(marieke, true)],
        ),
    ];
    for (conversation_id, author_id, body, ago, receipts) in messages {
        let id = Uuid::new_v4();
        let sent = now - hours(ago);
        let to_care = conversation_id == care && author_id == marieke;
        message::ActiveModel {
            id: Set(id),
            conversation_id: Set(conversation_id),
            client_id: Set(johanna),
            author_id: Set(author_id),
            body: Set(body.to_owned()),
            created_at: Set(sent),
            via_ecd: Set(false),
            external_id: Set(None),
            care_due_at: Set(to_care.then(|| sent + hours(48))),
            care_read_at: Set(to_care.then(|| sent + hours(2))),
            escalated_at: Set(None),
        }
        .insert(txn)
        .await?;
        for (user_id, read) in receipts {
            message_receipt::ActiveModel {
                message_id: Set(id),
                user_id: Set(*user_id),
                conversation_id: Set(conversation_id),
                client_id: Set(johanna),
                read_at: Set(read.then(|| sent + hours(2))),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// A lived-in pinboard: Marieke's post with Sandra's reply and a heart on Johanna's, and a mood
/// of Daan's on his own. Written before anyone can be notified (no notifications).
async fn pinboard(
    txn: &DatabaseTransaction,
    johanna: Uuid,
    marieke: Uuid,
    sandra: Uuid,
    daan_client: Uuid,
    daan: Uuid,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    use crate::entities::{pinboard_post, pinboard_reply, pinboard_response};
    let visit = Uuid::new_v4();
    let posts = [
        (
            visit,
            johanna,
            marieke,
            "Zondag zijn we met mama naar het park geweest. Ze genoot van de eendjes!",
            None,
            chrono::Duration::hours(26),
        ),
        (
            Uuid::new_v4(),
            daan_client,
            daan,
            "Vandaag gezwommen. Het water was lekker warm.",
            Some("happy"),
            chrono::Duration::hours(5),
        ),
    ];
    for (id, client_id, author_id, body, mood, ago) in posts {
        pinboard_post::ActiveModel {
            id: Set(id),
            client_id: Set(client_id),
            author_id: Set(author_id),
            body: Set(body.to_owned()),
            mood: Set(mood.map(str::to_owned)),
            created_at: Set(now - ago),
        }
        .insert(txn)
        .await?;
    }
    pinboard_reply::ActiveModel {
        id: Set(Uuid::new_v4()),
        post_id: Set(visit),
        author_id: Set(sandra),
        body: Set("Wat fijn om te lezen. Ik ga donderdag bij haar langs.".to_owned()),
        created_at: Set(now - chrono::Duration::hours(20)),
    }
    .insert(txn)
    .await?;
    pinboard_response::ActiveModel {
        id: Set(Uuid::new_v4()),
        post_id: Set(visit),
        user_id: Set(sandra),
        emoji: Set("heart".to_owned()),
        created_at: Set(now - chrono::Duration::hours(20)),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The family's own appointments in Johanna's agenda: Pieter's weekly private visit, and two
/// public ones Marieke made.
async fn own_appointments(
    txn: &DatabaseTransaction,
    johanna: Uuid,
    marieke: Uuid,
    pieter: Uuid,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    use chrono::{Datelike, Duration, NaiveTime};
    use kring_shared::agenda::{AppointmentInput, Frequency, Recurrence, Visibility};

    use crate::services::agenda::{self, time};
    let client = client::Entity::find_by_id(johanna)
        .one(txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo client missing"))?;
    let person = |id: Uuid| async move {
        user::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo user missing"))
    };
    let (marieke, pieter) = (person(marieke).await?, person(pieter).await?);
    let today = time::local(now).date();
    // The coming Tuesday (today, when it is one), then every week for three months.
    let tuesday = today
        + Duration::days(i64::from(
            (7 + 1 - today.weekday().num_days_from_monday()) % 7,
        ));
    let saturday = today
        + Duration::days(i64::from(
            (7 + 5 - today.weekday().num_days_from_monday()) % 7,
        ));
    let wall = |date: chrono::NaiveDate, hour: u32| {
        date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default())
    };
    let appointments = [
        (
            &pieter,
            AppointmentInput {
                title: "Bezoek van Pieter".to_owned(),
                all_day: false,
                start: Some(wall(tuesday - Duration::days(7), 19)),
                end: Some(wall(tuesday - Duration::days(7), 20)),
                start_date: None,
                end_date: None,
                location: Some("Kamer 12".to_owned()),
                description: Some("Samen de krant lezen.".to_owned()),
                visibility: Visibility::Private,
                recurrence: Some(Recurrence {
                    frequency: Frequency::Weekly,
                    interval: 1,
                    until: None,
                    count: Some(14),
                }),
            },
        ),
        (
            &marieke,
            AppointmentInput {
                title: "Samen naar de markt".to_owned(),
                all_day: false,
                start: Some(wall(saturday, 10)),
                end: Some(wall(saturday, 12)),
                start_date: None,
                end_date: None,
                location: Some("Markt, Voorstraat".to_owned()),
                description: Some("Marieke haalt moeder op bij de receptie.".to_owned()),
                visibility: Visibility::Public,
                recurrence: None,
            },
        ),
        (
            &marieke,
            AppointmentInput {
                title: "Verjaardag van Kees".to_owned(),
                all_day: true,
                start: None,
                end: None,
                start_date: Some(today + Duration::days(16)),
                end_date: None,
                location: Some("Bij Marieke thuis".to_owned()),
                description: None,
                visibility: Visibility::Public,
                recurrence: None,
            },
        ),
    ];
    for (author, input) in appointments {
        agenda::insert_checked(txn, &client, author, &input)
            .await
            .map_err(|error| anyhow::anyhow!("demo appointment failed: {error:?}"))?;
    }
    Ok(())
}

async fn insert_user(
    txn: &DatabaseTransaction,
    organisation_id: Uuid,
    person: &Person,
    variant: &DemoVariant,
    password_hash: &str,
) -> anyhow::Result<Uuid> {
    let id = Uuid::new_v4();
    let username = variant.username(person.username);
    user::ActiveModel {
        id: Set(id),
        organisation_id: Set(organisation_id),
        username: Set(username.clone()),
        password_hash: Set(password_hash.to_owned()),
        email: Set(format!("{username}@demo.kring.nl")),
        mobile: Set(Some(variant.mobile(person.slot))),
        first_name: Set(person.first_name.to_owned()),
        last_name: Set(person.last_name.to_owned()),
        gender: Set(Some(person.gender)),
        language: Set(Language::Nl),
        kind: Set(person.kind),
        must_change_password: Set(false),
        username_chosen: Set(true),
        failed_logins: Set(0),
        locked_at: Set(None),
        last_login_at: Set(None),
        created_at: Set(Utc::now()),
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        password_changed_at: Set(Some(Utc::now())),
        totp_last_step: Set(None),
        external_id: Set(None),
        locked_until: Set(None),
        lockouts: Set(0),
        failed_codes: Set(0),
        temporary_password_expires_at: Set(None),
        reset_password_hash: Set(None),
        reset_password_expires_at: Set(None),
        photo_url: Set(None),
        agenda_reminders: Set(false),
        share_contact_details: Set(false),
        message_mail: Set(true),
        absent_from: Set(None),
        absent_until: Set(None),
        absence_note: Set(None),
    }
    .insert(txn)
    .await?;
    Ok(id)
}

fn id_of(ids: &std::collections::HashMap<&str, Uuid>, username: &str) -> anyhow::Result<Uuid> {
    ids.get(username)
        .copied()
        .ok_or_else(|| anyhow::anyhow!("demo user {username} missing"))
}

async fn link(
    txn: &DatabaseTransaction,
    client_id: Uuid,
    user_id: Uuid,
    relationship: Relationship,
    is_primary_contact: bool,
    permissions: &[Permission],
) -> anyhow::Result<()> {
    let now = Utc::now();
    let has = |permission| permissions.contains(&permission);
    client_contact::ActiveModel {
        id: Set(Uuid::new_v4()),
        client_id: Set(client_id),
        user_id: Set(user_id),
        relationship: Set(relationship),
        is_primary_contact: Set(is_primary_contact),
        perm_messages: Set(has(Permission::Messages)),
        perm_agenda: Set(has(Permission::Agenda)),
        perm_dossier: Set(has(Permission::Dossier)),
        perm_details: Set(has(Permission::Details)),
        perm_settings: Set(has(Permission::Settings)),
        invitation_state: Set(InvitationState::Accepted),
        invited_at: Set(Some(now)),
        responded_at: Set(Some(now)),
        last_login_at: Set(None),
        created_at: Set(now),
        pinboard_notifications: Set(true),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Adds `count` messages about Johanna de Vries between Marieke, Pieter and Lotte (care), ten
/// per conversation, every other one unread for its readers: a heavy inbox for benchmarks.
pub async fn scale_messages(db: &DatabaseConnection, count: u64) -> anyhow::Result<()> {
    use crate::entities::{conversation, conversation_member, message, message_receipt};
    let person = |username: &'static str| async move {
        user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(db)
            .await?
            .map(|person| person.id)
            .ok_or_else(|| anyhow::anyhow!("demo user {username} missing"))
    };
    let (marieke, pieter, lotte) = (
        person("marieke").await?,
        person("pieter").await?,
        person("lotte").await?,
    );
    let johanna = client::Entity::find()
        .filter(client::Column::ExternalId.eq("ECD-1001"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo client missing"))?
        .id;
    let start = Utc::now() - chrono::Duration::minutes(i64::try_from(count).unwrap_or(0) + 10);
    let mut written = 0u64;
    while written < count {
        let txn = crate::db::begin_write(db).await?;
        for _ in 0..100 {
            if written >= count {
                break;
            }
            let id = Uuid::new_v4();
            let with_care = written.is_multiple_of(30);
            let first = start + chrono::Duration::minutes(i64::try_from(written).unwrap_or(0));
            let in_it = (count - written).min(10);
            conversation::ActiveModel {
                id: Set(id),
                client_id: Set(johanna),
                subject: Set(format!("Gesprek {}", written / 10 + 1)),
                started_by: Set(marieke),
                to_team: Set(with_care),
                with_care: Set(with_care),
                last_message_at: Set(
                    first + chrono::Duration::minutes(i64::try_from(in_it).unwrap_or(1) - 1)
                ),
                created_at: Set(first),
            }
            .insert(&txn)
            .await?;
            let mut members = vec![(marieke, false), (pieter, false)];
            if with_care {
                members.push((lotte, true));
            }
            for (user_id, is_care) in &members {
                conversation_member::ActiveModel {
                    conversation_id: Set(id),
                    user_id: Set(*user_id),
                    is_care: Set(*is_care),
                    joined_at: Set(first),
                }
                .insert(&txn)
                .await?;
            }
            for n in 0..in_it {
                let author = if n % 2 == 0 { pieter } else { marieke };
                let sent = first + chrono::Duration::minutes(i64::try_from(n).unwrap_or(0));
                let message_id = Uuid::new_v4();
                message::ActiveModel {
                    id: Set(message_id),
                    conversation_id: Set(id),
                    client_id: Set(johanna),
                    author_id: Set(author),
                    body: Set(format!(
                        "Bericht {} over de zorg van mama.",
                        written + n + 1
                    )),
                    created_at: Set(sent),
                    via_ecd: Set(false),
                    external_id: Set(None),
                    care_due_at: Set(None),
                    care_read_at: Set(None),
                    escalated_at: Set(None),
                }
                .insert(&txn)
                .await?;
                for (reader, _) in members.iter().filter(|(user_id, _)| *user_id != author) {
                    message_receipt::ActiveModel {
                        message_id: Set(message_id),
                        user_id: Set(*reader),
                        conversation_id: Set(id),
                        client_id: Set(johanna),
                        read_at: Set((n % 2 == 1).then_some(sent)),
                    }
                    .insert(&txn)
                    .await?;
                }
            }
            written += in_it;
        }
        txn.commit().await?;
    }
    Ok(())
}

/// Adds `count` generated reports to Johanna de Vries's dossier through the integration
/// batch, 1000 per batch, for benchmarks. `progress` hears the running total.
pub async fn scale(
    db: &DatabaseConnection,
    media: &crate::services::media::MediaStore,
    count: u64,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<()> {
    let organisation = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(DEMO_ORGANISATION))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("load the demo first"))?;
    let bus = crate::events::EventBus::new();
    let now = Utc::now();
    let mut done = 0;
    while done < count {
        let size = (count - done).min(integration::MAX_BATCH as u64);
        let items = demo_dossier::scale_items("ECD-1001", done, size, now);
        let response = integration::batch(db, &bus, media, &organisation, &Scope::ALL, items)
            .await
            .map_err(|error| anyhow::anyhow!("batch failed: {error:?}"))?;
        if response.failed > 0 {
            anyhow::bail!("{} generated reports were refused", response.failed);
        }
        done += size;
        progress(done);
    }
    Ok(())
}

/// The demo's people, by their username in the demo itself.
const PEOPLE: [Person; 10] = [
    Person {
        username: "marieke",
        first_name: "Marieke",
        last_name: "de Vries",
        gender: Gender::Female,
        slot: 1,
        kind: AccountKind::Person,
    },
    Person {
        username: "pieter",
        first_name: "Pieter",
        last_name: "de Vries",
        gender: Gender::Male,
        slot: 2,
        kind: AccountKind::Person,
    },
    Person {
        username: "kees",
        first_name: "Kees",
        last_name: "de Vries",
        gender: Gender::Male,
        slot: 3,
        kind: AccountKind::Person,
    },
    Person {
        username: "sandra",
        first_name: "Sandra",
        last_name: "Visser",
        gender: Gender::Female,
        slot: 4,
        kind: AccountKind::Person,
    },
    Person {
        username: "daan",
        first_name: "Daan",
        last_name: "Smit",
        gender: Gender::Male,
        slot: 5,
        kind: AccountKind::Person,
    },
    Person {
        username: "fatima",
        first_name: "Fatima",
        last_name: "El Amrani",
        gender: Gender::Female,
        slot: 6,
        kind: AccountKind::CareWorker,
    },
    Person {
        username: "thomas",
        first_name: "Thomas",
        last_name: "Mulder",
        gender: Gender::Male,
        slot: 7,
        kind: AccountKind::CareWorker,
    },
    Person {
        username: "lotte",
        first_name: "Lotte",
        last_name: "de Jong",
        gender: Gender::Female,
        slot: 8,
        kind: AccountKind::CareWorker,
    },
    Person {
        username: "anouk",
        first_name: "Anouk",
        last_name: "Bakker",
        gender: Gender::Female,
        slot: 10,
        kind: AccountKind::Person,
    },
    Person {
        username: "beheer",
        first_name: "Ingrid",
        last_name: "Hoekstra",
        gender: Gender::Female,
        slot: 9,
        kind: AccountKind::OrganisationAdmin,
    },
];
