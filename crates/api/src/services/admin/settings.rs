//! The organisation's settings: reading, checking (ranges, colour contrast, https links,
//! countries) and saving them with an audit row naming what changed.

use super::*;

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
        care_messages: organisation.care_messages,
        care_reply_days: organisation.care_reply_days,
        agenda_care_shown: organisation.agenda_care_shown,
        agenda_contacts_may_add: organisation.agenda_contacts_may_add,
        agenda_always_private: organisation.agenda_always_private,
        lockout_threshold: organisation.lockout_threshold,
        reset_link_minutes: organisation.reset_link_minutes,
        verification_code_minutes: organisation.verification_code_minutes,
        trusted_device_days: organisation.trusted_device_days,
        idle_timeout_minutes: organisation.idle_timeout_minutes,
        session_lifetime_hours: organisation.session_lifetime_hours,
        password_policy: organisation.password_policy,
        discharge_access_days: organisation.discharge_access_days,
        lockout_mode: organisation.lockout_mode,
        reset_mode: organisation.reset_mode,
        temporary_password_hours: organisation.temporary_password_hours,
        allowed_mobile_countries: organisation
            .allowed_mobile_countries
            .split(',')
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(str::to_owned)
            .collect(),
        export_keep_hours: organisation.export_keep_hours,
        access_log_years: organisation.access_log_years,
        access_log_staff: organisation.access_log_staff,
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
pub fn check_settings(settings: &OrganisationSettings) -> Checks {
    let mut checks = Checks::default();
    checks.text("name", &settings.name, 200);
    match parse_colour(&settings.primary_colour) {
        None => checks.fail("primary_colour", "invalid"),
        // Against the page background (#f6f5f1), the lighter of white and it counts too.
        Some(colour) if contrast(colour, (0xf6, 0xf5, 0xf1)) < 4.5 => {
            checks.fail("primary_colour", "low_contrast");
        }
        Some(_) => {}
    }
    checks.https_url("logo_url", settings.logo_url.as_deref());
    checks.https_url("help_url", settings.help_url.as_deref());
    for (field, value, range) in [
        ("lockout_threshold", settings.lockout_threshold, 2..=10),
        ("reset_link_minutes", settings.reset_link_minutes, 5..=60),
        (
            "verification_code_minutes",
            settings.verification_code_minutes,
            1..=10,
        ),
        ("trusted_device_days", settings.trusted_device_days, 0..=90),
        ("care_reply_days", settings.care_reply_days, 1..=10),
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
        (
            "temporary_password_hours",
            settings.temporary_password_hours,
            1..=336,
        ),
        ("export_keep_hours", settings.export_keep_hours, 1..=168),
        ("access_log_years", settings.access_log_years, 5..=20),
    ] {
        if !range.contains(&value) {
            checks.fail(field, "out_of_range");
        }
    }
    if settings.allowed_mobile_countries.is_empty() {
        checks.fail("allowed_mobile_countries", "required");
    } else if settings.allowed_mobile_countries.iter().any(|code| {
        code.len() != 2
            || code
                .to_ascii_uppercase()
                .parse::<phonenumber::country::Id>()
                .is_err()
    }) {
        checks.fail("allowed_mobile_countries", "invalid");
    }
    checks
}

/// `#rrggbb` as three bytes.
pub(super) fn parse_colour(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

/// The WCAG 2 contrast ratio of two sRGB colours.
pub(super) fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
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
    origin: &ClientInfo,
) -> Result<OrganisationSettings, ApiError> {
    policy::require_organisation_admin(admin)?;
    check_settings(settings).done()?;
    let blank_to_none = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let current = organisation_of(db, admin).await?;
    let before = serde_json::to_value(settings_of(&current)).map_err(anyhow::Error::from)?;
    let mut organisation = current.into_active_model();
    organisation.name = Set(settings.name.trim().to_owned());
    organisation.logo_url = Set(blank_to_none(&settings.logo_url));
    organisation.primary_colour = Set(settings.primary_colour.to_lowercase());
    organisation.help_url = Set(blank_to_none(&settings.help_url));
    organisation.panel_agenda_enabled = Set(settings.panel_agenda_enabled);
    organisation.panel_messages_enabled = Set(settings.panel_messages_enabled);
    organisation.panel_dossier_enabled = Set(settings.panel_dossier_enabled);
    organisation.panel_details_enabled = Set(settings.panel_details_enabled);
    organisation.care_messages = Set(settings.care_messages);
    organisation.care_reply_days = Set(settings.care_reply_days);
    organisation.agenda_care_shown = Set(settings.agenda_care_shown);
    organisation.agenda_contacts_may_add = Set(settings.agenda_contacts_may_add);
    organisation.agenda_always_private = Set(settings.agenda_always_private);
    organisation.lockout_threshold = Set(settings.lockout_threshold);
    organisation.reset_link_minutes = Set(settings.reset_link_minutes);
    organisation.verification_code_minutes = Set(settings.verification_code_minutes);
    organisation.trusted_device_days = Set(settings.trusted_device_days);
    organisation.idle_timeout_minutes = Set(settings.idle_timeout_minutes);
    organisation.session_lifetime_hours = Set(settings.session_lifetime_hours);
    organisation.password_policy = Set(settings.password_policy);
    organisation.discharge_access_days = Set(settings.discharge_access_days);
    organisation.lockout_mode = Set(settings.lockout_mode);
    organisation.reset_mode = Set(settings.reset_mode);
    organisation.temporary_password_hours = Set(settings.temporary_password_hours);
    organisation.export_keep_hours = Set(settings.export_keep_hours);
    organisation.access_log_years = Set(settings.access_log_years);
    organisation.access_log_staff = Set(settings.access_log_staff);
    organisation.allowed_mobile_countries = Set(settings
        .allowed_mobile_countries
        .iter()
        .map(|code| code.trim().to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(","));
    let txn = crate::db::begin_write(db).await?;
    let saved = organisation.update(&txn).await?;
    let after = serde_json::to_value(settings_of(&saved)).map_err(anyhow::Error::from)?;
    let changed = changed_fields(&before, &after);
    if !changed.is_empty() {
        audit::record(
            &txn,
            &audit::Actor::user(admin, AccountKind::OrganisationAdmin.into(), origin),
            audit::Change::new(AuditAction::OrganisationSettingsChanged, changed.into()),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(settings_of(&saved))
}

/// The fields that differ, each as `{"before": …, "after": …}`.
pub(super) fn changed_fields(
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> serde_json::Map<String, serde_json::Value> {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return serde_json::Map::new();
    };
    after
        .iter()
        .filter(|(field, value)| before.get(*field) != Some(value))
        .map(|(field, value)| {
            (
                field.clone(),
                serde_json::json!({"before": before.get(field), "after": value}),
            )
        })
        .collect()
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
