//! The organisation admin console: the organisation's accounts and settings.

use kring_shared::{
    FieldError,
    admin::{AdminUserSummary, OrganisationSettings},
    password::PasswordPolicy,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use crate::{
    entities::{organisation, user},
    error::ApiError,
    services::{me::account_kind, me::organisation_of, policy},
};

/// At most this many accounts per answer; a search narrows it down.
pub const MAX_USERS: u64 = 200;

/// The organisation's accounts, by last name, optionally those whose name, username or
/// e-mail address contains `search` (case-insensitive).
pub async fn users(
    db: &DatabaseConnection,
    admin: &user::Model,
    search: Option<&str>,
) -> Result<Vec<AdminUserSummary>, ApiError> {
    policy::require_organisation_admin(admin)?;
    let mut query = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(admin.organisation_id))
        .order_by_asc(user::Column::LastName)
        .order_by_asc(user::Column::FirstName)
        .limit(MAX_USERS);
    if let Some(search) = search.map(str::trim).filter(|search| !search.is_empty()) {
        let escaped = search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let mut any = Condition::any();
        for column in [
            user::Column::FirstName,
            user::Column::LastName,
            user::Column::Username,
            user::Column::Email,
        ] {
            any = any.add(
                Expr::expr(Func::lower(Expr::col(column)))
                    .like(LikeExpr::new(pattern.clone()).escape('\\')),
            );
        }
        query = query.filter(any);
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|account| AdminUserSummary {
            id: account.id,
            kind: account_kind(&account.kind),
            blocked: account.locked_at.is_some(),
            must_change_password: account.must_change_password,
            last_login_at: account.last_login_at,
            username: account.username,
            first_name: account.first_name,
            last_name: account.last_name,
            email: account.email,
        })
        .collect())
}

/// The organisation's settings as the console edits them.
pub fn settings_of(organisation: &organisation::Model) -> OrganisationSettings {
    OrganisationSettings {
        name: organisation.name.clone(),
        logo_url: organisation.logo_url.clone(),
        primary_colour: organisation.primary_colour.clone(),
        help_url: organisation.help_url.clone(),
        panel_agenda_enabled: organisation.panel_agenda_enabled,
        panel_messages_enabled: organisation.panel_messages_enabled,
        panel_dossier_enabled: organisation.panel_dossier_enabled,
        panel_details_enabled: organisation.panel_details_enabled,
        messages_to_care_allowed: organisation.messages_to_care_allowed,
        lockout_threshold: organisation.lockout_threshold,
        reset_link_minutes: organisation.reset_link_minutes,
        verification_code_minutes: organisation.verification_code_minutes,
        trusted_device_days: organisation.trusted_device_days,
        idle_timeout_minutes: organisation.idle_timeout_minutes,
        session_lifetime_hours: organisation.session_lifetime_hours,
        password_policy: PasswordPolicy::from_name(&organisation.password_policy),
        discharge_access_days: organisation.discharge_access_days,
    }
}

/// The settings of the admin's organisation.
pub async fn settings(
    db: &DatabaseConnection,
    admin: &user::Model,
) -> Result<OrganisationSettings, ApiError> {
    policy::require_organisation_admin(admin)?;
    Ok(settings_of(&organisation_of(db, admin).await?))
}

/// Every field that is out of bounds, with its reason; nothing is saved unless all are fine.
pub fn check_settings(settings: &OrganisationSettings) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut refuse = |field: &str, code: &str| {
        errors.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
        });
    };
    let name = settings.name.trim();
    if name.is_empty() {
        refuse("name", "required");
    } else if name.chars().count() > 200 {
        refuse("name", "too_long");
    }
    match parse_colour(&settings.primary_colour) {
        None => refuse("primary_colour", "invalid"),
        // Against the page background (#f6f5f1), the lighter of white and it counts too.
        Some(colour) if contrast(colour, (0xf6, 0xf5, 0xf1)) < 4.5 => {
            refuse("primary_colour", "low_contrast");
        }
        Some(_) => {}
    }
    for (field, value) in [
        ("logo_url", &settings.logo_url),
        ("help_url", &settings.help_url),
    ] {
        if let Some(url) = value
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
            && (!url.starts_with("https://")
                || url.len() > 500
                || url.contains(char::is_whitespace))
        {
            refuse(field, "invalid");
        }
    }
    for (field, value, range) in [
        ("lockout_threshold", settings.lockout_threshold, 2..=10),
        ("reset_link_minutes", settings.reset_link_minutes, 5..=60),
        (
            "verification_code_minutes",
            settings.verification_code_minutes,
            1..=10,
        ),
        ("trusted_device_days", settings.trusted_device_days, 0..=90),
        (
            "idle_timeout_minutes",
            settings.idle_timeout_minutes,
            5..=120,
        ),
        (
            "session_lifetime_hours",
            settings.session_lifetime_hours,
            1..=24,
        ),
        (
            "discharge_access_days",
            settings.discharge_access_days,
            0..=365,
        ),
    ] {
        if !range.contains(&value) {
            refuse(field, "out_of_range");
        }
    }
    errors
}

/// `#rrggbb` as three bytes.
fn parse_colour(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

/// The WCAG 2 contrast ratio of two sRGB colours.
fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let luminance = |(r, g, b): (u8, u8, u8)| {
        let channel = |value: u8| {
            let c = f64::from(value) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Saves all settings at once, or none with the reasons (422).
pub async fn update_settings(
    db: &DatabaseConnection,
    admin: &user::Model,
    settings: &OrganisationSettings,
) -> Result<OrganisationSettings, ApiError> {
    policy::require_organisation_admin(admin)?;
    let errors = check_settings(settings);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let blank_to_none = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let mut organisation = organisation_of(db, admin).await?.into_active_model();
    organisation.name = Set(settings.name.trim().to_owned());
    organisation.logo_url = Set(blank_to_none(&settings.logo_url));
    organisation.primary_colour = Set(settings.primary_colour.to_lowercase());
    organisation.help_url = Set(blank_to_none(&settings.help_url));
    organisation.panel_agenda_enabled = Set(settings.panel_agenda_enabled);
    organisation.panel_messages_enabled = Set(settings.panel_messages_enabled);
    organisation.panel_dossier_enabled = Set(settings.panel_dossier_enabled);
    organisation.panel_details_enabled = Set(settings.panel_details_enabled);
    organisation.messages_to_care_allowed = Set(settings.messages_to_care_allowed);
    organisation.lockout_threshold = Set(settings.lockout_threshold);
    organisation.reset_link_minutes = Set(settings.reset_link_minutes);
    organisation.verification_code_minutes = Set(settings.verification_code_minutes);
    organisation.trusted_device_days = Set(settings.trusted_device_days);
    organisation.idle_timeout_minutes = Set(settings.idle_timeout_minutes);
    organisation.session_lifetime_hours = Set(settings.session_lifetime_hours);
    organisation.password_policy = Set(settings.password_policy.as_str().to_owned());
    organisation.discharge_access_days = Set(settings.discharge_access_days);
    let saved = organisation.update(db).await?;
    Ok(settings_of(&saved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contrast_ratio_follows_wcag() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        assert!((contrast((0x1d, 0x5b, 0x79), (0xf6, 0xf5, 0xf1)) - 6.8).abs() < 0.2);
        assert!(contrast((0xff, 0xcc, 0x00), (0xf6, 0xf5, 0xf1)) < 4.5);
    }

    #[test]
    fn colours_are_six_hex_digits() {
        assert_eq!(parse_colour("#1D5B79"), Some((0x1d, 0x5b, 0x79)));
        assert_eq!(parse_colour("1d5b79"), None);
        assert_eq!(parse_colour("#1d5b7"), None);
        assert_eq!(parse_colour("#1d5b7g"), None);
    }
}
