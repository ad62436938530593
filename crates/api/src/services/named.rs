//! Who someone is on a page about one client: name, kind of account, photo, and — in one
//! query — their relationship to the client and their role in the client's care team. Each
//! panel of the start screen and each page of conversations names its people through here.

use std::collections::{HashMap, HashSet};

use kring_shared::{admin::CareRole, me::AccountKind, me::Relationship};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    entities::{care_team_member, client_contact, user},
    error::ApiError,
};

/// One person as a page about a client shows them.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Named {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub kind: AccountKind,
    pub photo_url: Option<String>,
    /// Their link to the client, if they have one.
    pub relationship: Option<Relationship>,
    /// Their role in the client's care team, if they are in it.
    pub care_role: Option<CareRole>,
}

/// The accounts among `ids` that exist, with their link to and role for `client_id`.
pub async fn named(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Named>, ApiError> {
    let ids: HashSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut select = user::Entity::find()
        .select_only()
        .columns([
            user::Column::Id,
            user::Column::FirstName,
            user::Column::LastName,
            user::Column::Kind,
            user::Column::PhotoUrl,
        ])
        .column_as(
            Expr::col((client_contact::Entity, client_contact::Column::Relationship)),
            "relationship",
        )
        .column_as(
            Expr::col((care_team_member::Entity, care_team_member::Column::CareRole)),
            "care_role",
        )
        .filter(user::Column::Id.is_in(ids));
    QueryTrait::query(&mut select)
        .join(
            JoinType::LeftJoin,
            client_contact::Entity,
            Condition::all()
                .add(
                    Expr::col((client_contact::Entity, client_contact::Column::UserId))
                        .equals((user::Entity, user::Column::Id)),
                )
                .add(
                    Expr::col((client_contact::Entity, client_contact::Column::ClientId))
                        .eq(client_id),
                ),
        )
        .join(
            JoinType::LeftJoin,
            care_team_member::Entity,
            Condition::all()
                .add(
                    Expr::col((
                        care_team_member::Entity,
                        care_team_member::Column::CareWorkerId,
                    ))
                    .equals((user::Entity, user::Column::Id)),
                )
                .add(
                    Expr::col((care_team_member::Entity, care_team_member::Column::ClientId))
                        .eq(client_id),
                ),
        );
    Ok(select
        .into_model::<Named>()
        .all(db)
        .await?
        .into_iter()
        .map(|person| (person.id, person))
        .collect())
}
