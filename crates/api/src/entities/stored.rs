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

// What `sea_orm::DeriveValueType` writes for a text column, written out once because the
// derive does not take a generic type.

impl<K: StoredKind> From<Stored<K>> for Value {
    fn from(kind: Stored<K>) -> Value {
        kind.name().to_owned().into()
    }
}

impl<K: StoredKind> TryGetable for Stored<K> {
    fn try_get_by<I: ColIdx>(result: &QueryResult, index: I) -> Result<Self, TryGetError> {
        String::try_get_by(result, index).map(|name| Stored::from_name(&name))
    }
}

impl<K: StoredKind> ValueType for Stored<K> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        <String as ValueType>::try_from(value).map(|name| Stored::from_name(&name))
    }

    fn type_name() -> String {
        format!("Stored<{}>", std::any::type_name::<K>())
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

impl<K: StoredKind> Nullable for Stored<K> {
    fn null() -> Value {
        Value::String(None)
    }
}

impl<K: StoredKind> IntoActiveValue<Stored<K>> for Stored<K> {
    fn into_active_value(self) -> ActiveValue<Stored<K>> {
        ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    use kring_shared::{audit::AuditAction, contacts::NotificationKind};

    use super::Stored;

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
