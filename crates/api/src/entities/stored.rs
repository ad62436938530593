//! A kind stored as text in a table that outlives versions: the notification list, the ECD
//! feed, the audit and access logs. During a rolling deploy a newer version can write a kind
//! this version does not know yet, and a hash-chained log must be read back byte for byte, so
//! such a column reads as [`Stored::Unknown`] with the exact name instead of failing the row.
//! Columns whose unknown names have a safe meaning use the enum itself with a lenient
//! `from_stored` instead (see `kring_shared`).

use std::{fmt, str::FromStr};

use sea_orm::{
    ActiveValue, ColIdx, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value,
    sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr},
};

/// A stored kind: one this version knows, or the name another version wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored<K> {
    Known(K),
    Unknown(String),
}

/// What a stored kind needs: its `strum` name both ways.
pub trait StoredKind: Copy + Into<&'static str> + FromStr {}

impl<K: Copy + Into<&'static str> + FromStr> StoredKind for K {}

impl<K: StoredKind> Stored<K> {
    /// Reads a stored name.
    pub fn from_name(name: &str) -> Stored<K> {
        name.parse()
            .map(Stored::Known)
            .unwrap_or_else(|_| Stored::Unknown(name.to_owned()))
    }

    /// The kind, when this version knows it.
    pub fn known(&self) -> Option<K> {
        match self {
            Stored::Known(kind) => Some(*kind),
            Stored::Unknown(_) => None,
        }
    }

    /// The name exactly as stored.
    pub fn name(&self) -> &str {
        match self {
            Stored::Known(kind) => (*kind).into(),
            Stored::Unknown(name) => name,
        }
    }
}

impl<K: StoredKind> From<K> for Stored<K> {
    fn from(kind: K) -> Stored<K> {
        Stored::Known(kind)
    }
}

impl<K: StoredKind> fmt::Display for Stored<K> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// A set of kinds in one text column, joined by `SEP`: an organisation's languages (`nl,en`),
/// a service account's scopes (`dossier:write feed:read`). A name this version does not know is
/// left out when read, so a list of rights can only shrink by a misread, never grow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindList<K, const SEP: char>(pub Vec<K>);

impl<K: StoredKind, const SEP: char> KindList<K, SEP> {
    fn from_name(text: &str) -> KindList<K, SEP> {
        KindList(
            text.split(SEP)
                .map(str::trim)
                .filter_map(|name| name.parse().ok())
                .collect(),
        )
    }

    fn name(&self) -> String {
        let names: Vec<&'static str> = self.0.iter().map(|kind| (*kind).into()).collect();
        names.join(&SEP.to_string())
    }
}

/// What `sea_orm::DeriveValueType` writes for a text column, written out once for the generic
/// types above (the derive does not take generics): `from_name` reads the text, `name` writes
/// it.
macro_rules! text_column {
    ([$($generics:tt)*] $type:ty) => {
        impl<$($generics)*> From<$type> for Value {
            fn from(value: $type) -> Value {
                value.name().to_owned().into()
            }
        }

        impl<$($generics)*> TryGetable for $type {
            fn try_get_by<I: ColIdx>(result: &QueryResult, index: I) -> Result<Self, TryGetError> {
                String::try_get_by(result, index).map(|text| <$type>::from_name(&text))
            }
        }

        impl<$($generics)*> ValueType for $type {
            fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
                <String as ValueType>::try_from(value).map(|text| <$type>::from_name(&text))
            }

            fn type_name() -> String {
                std::any::type_name::<$type>().to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                ColumnType::String(StringLen::None)
            }
        }

        impl<$($generics)*> Nullable for $type {
            fn null() -> Value {
                Value::String(None)
            }
        }

        impl<$($generics)*> IntoActiveValue<$type> for $type {
            fn into_active_value(self) -> ActiveValue<$type> {
                ActiveValue::Set(self)
            }
        }
    };
}

text_column!([K: StoredKind] Stored<K>);
text_column!([K: StoredKind, const SEP: char] KindList<K, SEP>);

#[cfg(test)]
mod tests {
    use kring_shared::{audit::AuditAction, contacts::NotificationKind};

    use super::{KindList, Stored};

    #[test]
    fn a_list_reads_the_names_it_knows_and_writes_them_back_joined() {
        use kring_shared::{integration::Scope, me::Language};

        let scopes = KindList::<Scope, ' '>::from_name("feed:read admin:everything dossier:write");
        assert_eq!(scopes.0, vec![Scope::FeedRead, Scope::DossierWrite]);
        assert_eq!(scopes.name(), "feed:read dossier:write");
        let languages = KindList::<Language, ','>::from_name("nl, en");
        assert_eq!(languages.0, vec![Language::Nl, Language::En]);
        assert_eq!(languages.name(), "nl,en");
    }

    #[test]
    fn a_known_name_reads_as_its_kind_and_an_unknown_one_keeps_its_exact_name() {
        let known = Stored::<NotificationKind>::from_name("care_plan");
        assert_eq!(known.known(), Some(NotificationKind::CarePlan));
        assert_eq!(known.name(), "care_plan");
        let newer = Stored::<AuditAction>::from_name("agenda.appointment_added");
        assert_eq!(newer.known(), None);
        assert_eq!(newer.name(), "agenda.appointment_added");
    }
}
