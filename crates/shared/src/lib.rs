//! Types shared by Kring's API and its single-page app: request and response bodies, the
//! permission enum and the stable error codes. Compiles for wasm32 and native; the OpenAPI
//! derives are only compiled in with the `server` feature.

pub mod admin;
pub mod agenda;
pub mod audit;
pub mod auth;
pub mod contacts;
pub mod details;
pub mod dossier;
pub mod error;
pub mod export;
pub mod home;
pub mod integration;
pub mod me;
pub mod messages;
pub mod password;
pub mod permission;
pub mod pinboard;

pub use error::{ErrorCode, FieldError, Problem};
pub use permission::{PanelKind, Permission};

#[cfg(test)]
mod stored_names {
    //! The kinds stored as text are named by strum (database) and by serde (API); both must say
    //! the same, or a value would read differently in the database than in the API.

    use serde::Serialize;
    use strum::IntoEnumIterator;

    use crate::{
        admin::{CareRole, LockoutMode, ResetMode},
        audit::AuditAction,
        contacts::{Gender, InvitationState, NotificationKind},
        dossier::{AccessAction, DossierKind},
        integration::{FeedKind, Scope},
        me::{Language, Relationship},
        password::PasswordPolicy,
    };

    fn same_names<E>()
    where
        E: IntoEnumIterator + Serialize + Into<&'static str> + std::str::FromStr + PartialEq + Copy,
        <E as std::str::FromStr>::Err: std::fmt::Debug,
    {
        for value in E::iter() {
            let stored: &'static str = value.into();
            let sent = serde_json::to_value(value).unwrap();
            assert_eq!(sent.as_str(), Some(stored));
            assert!(stored.parse::<E>().unwrap() == value, "{stored} reads back");
        }
    }

    #[test]
    fn every_stored_kind_has_one_name() {
        same_names::<CareRole>();
        same_names::<LockoutMode>();
        same_names::<ResetMode>();
        same_names::<AuditAction>();
        same_names::<Gender>();
        same_names::<InvitationState>();
        same_names::<NotificationKind>();
        same_names::<DossierKind>();
        same_names::<AccessAction>();
        same_names::<FeedKind>();
        same_names::<Scope>();
        same_names::<Language>();
        same_names::<Relationship>();
        same_names::<PasswordPolicy>();
        same_names::<crate::admin::MailPurpose>();
        same_names::<crate::pinboard::Mood>();
        same_names::<crate::pinboard::Emoji>();
        same_names::<crate::export::ExportState>();
        same_names::<crate::export::StaffDisclosure>();
    }

    #[test]
    fn a_stored_name_this_version_does_not_know_reads_as_the_safe_default() {
        use crate::{contacts::InvitationState, me::AccountKind};
        assert_eq!(Relationship::from_stored("cousin"), Ok(Relationship::Other));
        assert_eq!(
            InvitationState::from_stored("expired"),
            Ok(InvitationState::NotInvited)
        );
        assert_eq!(AccountKind::from_stored("auditor"), Ok(AccountKind::Person));
        assert_eq!(Language::from_stored("de"), Ok(Language::Nl));
        assert_eq!(Relationship::from_stored("self"), Ok(Relationship::Client));
    }

    #[test]
    fn the_client_is_stored_as_self_and_scopes_with_their_colon() {
        assert_eq!(Relationship::Client.as_str(), "self");
        assert_eq!(Scope::FeedRead.as_str(), "feed:read");
        assert_eq!(
            "clients:write".parse::<Scope>().unwrap(),
            Scope::ClientsWrite
        );
    }
}
