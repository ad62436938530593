//! The password policy, shared so that the change-password screen shows the same rules live
//! that the server enforces. The server adds two checks the browser cannot make: the list of
//! common passwords and the user's recent passwords.

use serde::{Deserialize, Serialize};

/// The longest password accepted; longer ones are refused, never truncated.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// How many earlier passwords may not be chosen again.
pub const PASSWORD_HISTORY: usize = 12;

/// An organisation's password policy.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Default,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "server", derive(sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "server",
    sea_orm(value_type = "String", from_str = "PasswordPolicy::from_stored")
)]
pub enum PasswordPolicy {
    /// The seeds' rules: at least 8 characters with a lower-case letter, an upper-case letter
    /// and a digit.
    #[default]
    Composition,
    /// At least 15 characters and no composition rules (OWASP ASVS 6.2.5).
    LengthOnly,
}

impl PasswordPolicy {
    /// Reads a stored name. A name this version does not know (a newer version wrote it, or it
    /// was changed by hand) reads as the safe default instead of failing every query that
    /// loads the row.
    pub fn from_stored(name: &str) -> Result<PasswordPolicy, std::convert::Infallible> {
        Ok(name.parse().unwrap_or_default())
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The policy stored as `name`; unknown names fall back to the default.
    pub fn from_name(name: &str) -> PasswordPolicy {
        name.parse().unwrap_or_default()
    }

    /// The minimum number of characters.
    pub fn min_length(self) -> usize {
        match self {
            PasswordPolicy::Composition => 8,
            PasswordPolicy::LengthOnly => 15,
        }
    }

    /// The rules a new password must meet, in the order the screen lists them.
    pub fn rules(self) -> Vec<PasswordRule> {
        let mut rules = vec![PasswordRule::MinLength];
        if self == PasswordPolicy::Composition {
            rules.extend([
                PasswordRule::Lowercase,
                PasswordRule::Uppercase,
                PasswordRule::Digit,
            ]);
        }
        rules.extend([
            PasswordRule::MaxLength,
            PasswordRule::NotCommon,
            PasswordRule::NotRecent,
        ]);
        rules
    }

    /// The rules `password` breaks that can be checked without the server (everything but
    /// `NotCommon` and `NotRecent`).
    pub fn unmet_local_rules(self, password: &str) -> Vec<PasswordRule> {
        self.rules()
            .into_iter()
            .filter(|rule| rule.is_local() && !rule.is_met_by(self, password))
            .collect()
    }
}

/// One rule of the password policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PasswordRule {
    /// At least the policy's minimum number of characters.
    MinLength,
    /// At most 128 characters.
    MaxLength,
    /// At least one lower-case letter.
    Lowercase,
    /// At least one upper-case letter.
    Uppercase,
    /// At least one digit.
    Digit,
    /// Not on the list of common passwords.
    NotCommon,
    /// Not one of the last 12 passwords of this account.
    NotRecent,
}

impl PasswordRule {
    /// The field-error code the API uses when this rule is broken.
    pub fn error_code(self) -> &'static str {
        match self {
            PasswordRule::MinLength => "too_short",
            PasswordRule::MaxLength => "too_long",
            PasswordRule::Lowercase => "needs_lowercase",
            PasswordRule::Uppercase => "needs_uppercase",
            PasswordRule::Digit => "needs_digit",
            PasswordRule::NotCommon => "too_common",
            PasswordRule::NotRecent => "recently_used",
        }
    }

    /// Whether the browser can check this rule itself.
    pub fn is_local(self) -> bool {
        !matches!(self, PasswordRule::NotCommon | PasswordRule::NotRecent)
    }

    /// Whether `password` meets this rule (local rules only; the others count as met).
    pub fn is_met_by(self, policy: PasswordPolicy, password: &str) -> bool {
        let length = password.chars().count();
        match self {
            PasswordRule::MinLength => length >= policy.min_length(),
            PasswordRule::MaxLength => length <= MAX_PASSWORD_CHARS,
            PasswordRule::Lowercase => password.chars().any(char::is_lowercase),
            PasswordRule::Uppercase => password.chars().any(char::is_uppercase),
            PasswordRule::Digit => password.chars().any(|c| c.is_ascii_digit()),
            PasswordRule::NotCommon | PasswordRule::NotRecent => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_policy_wants_eight_characters_with_lower_upper_and_digit() {
        let policy = PasswordPolicy::Composition;
        assert_eq!(
            policy.unmet_local_rules("kort"),
            vec![
                PasswordRule::MinLength,
                PasswordRule::Uppercase,
                PasswordRule::Digit
            ]
        );
        assert_eq!(
            policy.unmet_local_rules("ZOMERAVOND"),
            vec![PasswordRule::Lowercase, PasswordRule::Digit]
        );
        assert!(policy.unmet_local_rules("Zomeravond7").is_empty());
    }

    #[test]
    fn length_only_needs_fifteen_characters_and_nothing_else() {
        let policy = PasswordPolicy::LengthOnly;
        assert_eq!(
            policy.unmet_local_rules("Zomeravond7"),
            vec![PasswordRule::MinLength]
        );
        assert!(policy.unmet_local_rules("de kat zit op de mat").is_empty());
    }

    #[test]
    fn length_counts_characters_not_bytes_and_caps_at_128() {
        let policy = PasswordPolicy::LengthOnly;
        assert!(policy.unmet_local_rules("ééééééééééééééé").is_empty());
        let long = "Aa1".repeat(43);
        assert_eq!(
            PasswordPolicy::Composition.unmet_local_rules(&long),
            vec![PasswordRule::MaxLength]
        );
    }

    #[test]
    fn policy_names_round_trip() {
        for policy in [PasswordPolicy::Composition, PasswordPolicy::LengthOnly] {
            assert_eq!(PasswordPolicy::from_name(policy.as_str()), policy);
        }
    }
}
