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
        who: "Daan Smit, a client who is his own portal administrator",
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
    mobile: &'static str,
    kind: AccountKind,
}

/// Loads the demo data unless it is there already.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<DemoOutcome> {
    let existing = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(DEMO_ORGANISATION))
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
        slug: Set(DEMO_ORGANISATION.to_owned()),
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
        messages_to_care_allowed: Set(true),
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
    }
    .insert(&txn)
    .await?;

    let people = [
        Person {
            username: "marieke",
            first_name: "Marieke",
            last_name: "de Vries",
            gender: Gender::Female,
            mobile: "+31612345601",
            kind: AccountKind::Person,
        },
        Person {
            username: "pieter",
            first_name: "Pieter",
            last_name: "de Vries",
            gender: Gender::Male,
            mobile: "+31612345602",
            kind: AccountKind::Person,
        },
        Person {
            username: "kees",
            first_name: "Kees",
            last_name: "de Vries",
            gender: Gender::Male,
            mobile: "+31612345603",
            kind: AccountKind::Person,
        },
        Person {
            username: "sandra",
            first_name: "Sandra",
            last_name: "Visser",
            gender: Gender::Female,
            mobile: "+31612345604",
            kind: AccountKind::Person,
        },
        Person {
            username: "daan",
            first_name: "Daan",
            last_name: "Smit",
            gender: Gender::Male,
            mobile: "+31612345605",
            kind: AccountKind::Person,
        },
        Person {
            username: "fatima",
            first_name: "Fatima",
            last_name: "El Amrani",
            gender: Gender::Female,
            mobile: "+31612345606",
            kind: AccountKind::CareWorker,
        },
        Person {
            username: "thomas",
            first_name: "Thomas",
            last_name: "Mulder",
            gender: Gender::Male,
            mobile: "+31612345607",
            kind: AccountKind::CareWorker,
        },
        Person {
            username: "lotte",
            first_name: "Lotte",
            last_name: "de Jong",
            gender: Gender::Female,
            mobile: "+31612345608",
            kind: AccountKind::CareWorker,
        },
        Person {
            username: "anouk",
            first_name: "Anouk",
            last_name: "Bakker",
            gender: Gender::Female,
            mobile: "+31612345610",
            kind: AccountKind::Person,
        },
        Person {
            username: "beheer",
            first_name: "Ingrid",
            last_name: "Hoekstra",
            gender: Gender::Female,
            mobile: "+31612345609",
            kind: AccountKind::OrganisationAdmin,
        },
    ];
    let mut ids = std::collections::HashMap::new();
    for person in &people {
        let id = insert_user(&txn, org_id, person, &password_hash).await?;
        ids.insert(person.username, id);
    }
    // Anouk was just invited: her password is temporary and she still chooses her username.
    user::Entity::update_many()
        .col_expr(user::Column::MustChangePassword, Expr::value(true))
        .col_expr(user::Column::UsernameChosen, Expr::value(false))
        .filter(user::Column::Username.eq("anouk"))
        .exec(&txn)
        .await?;
    let id = |username: &str| {
        ids.get(username)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("demo user {username} missing"))
    };

    // The care workers are known to the ECD by its ids.
    for (username, external_id) in [
        ("fatima", "MW-2001"),
        ("thomas", "MW-2002"),
        ("lotte", "MW-2003"),
    ] {
        user::Entity::update_many()
            .col_expr(user::Column::ExternalId, Expr::value(external_id))
            .filter(user::Column::Username.eq(username))
            .exec(&txn)
            .await?;
    }
    // Clients, care teams and dossiers arrive the way an ECD sends them: through the
    // integration API's operations. Before the networks are linked, so loading does not
    // notify anyone of the demo's care plans.
    let mut events = Vec::new();
    for operation in demo_dossier::operations(now)? {
        integration::apply_in(&txn, &organisation, &Scope::ALL, &operation, &mut events)
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

    txn.commit().await?;
    Ok(DemoOutcome::Loaded)
}

async fn insert_user(
    txn: &DatabaseTransaction,
    organisation_id: Uuid,
    person: &Person,
    password_hash: &str,
) -> anyhow::Result<Uuid> {
    let id = Uuid::new_v4();
    user::ActiveModel {
        id: Set(id),
        organisation_id: Set(organisation_id),
        username: Set(person.username.to_owned()),
        password_hash: Set(password_hash.to_owned()),
        email: Set(format!("{}@demo.kring.nl", person.username)),
        mobile: Set(Some(person.mobile.to_owned())),
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
    }
    .insert(txn)
    .await?;
    Ok(id)
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
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Adds `count` generated reports to Johanna de Vries's dossier through the integration
/// batch, 1000 per batch, for benchmarks. `progress` hears the running total.
pub async fn scale(
    db: &DatabaseConnection,
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
        let response = integration::batch(db, &bus, &organisation, &Scope::ALL, items)
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
