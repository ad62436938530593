//! `GET /api/me`.

use kring_shared::{
    Permission,
    me::{AccountKind, Me, Relationship},
};
use reqwest::StatusCode;

use crate::helpers::{json_as, spawn_app};

#[tokio::test]
async fn me_lists_each_client_with_the_permissions_held_there() {
    let app = spawn_app().await;
    let token = app.login_as("sandra").await;
    let response = app.get_me(&token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Me = json_as(response).await;
    assert_eq!(me.user.username, "sandra");
    assert_eq!(me.user.kind, AccountKind::Person);
    assert_eq!(me.organisation.name, "Zorggroep De Linde");
    let summary: Vec<(&str, Relationship, bool, &[Permission])> = me
        .clients
        .iter()
        .map(|membership| {
            (
                membership.client.last_name.as_str(),
                membership.relationship,
                membership.is_primary_contact,
                membership.permissions.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "Bakker",
                Relationship::Mentor,
                true,
                &[
                    Permission::Messages,
                    Permission::Agenda,
                    Permission::Dossier,
                    Permission::Details,
                    Permission::Settings
                ][..]
            ),
            (
                "de Vries",
                Relationship::Mentor,
                false,
                &[Permission::Dossier, Permission::Details][..]
            ),
        ]
    );
}

#[tokio::test]
async fn a_client_who_administers_their_own_portal_is_linked_as_self() {
    let app = spawn_app().await;
    let token = app.login_as("daan").await;
    let me: Me = json_as(app.get_me(&token).await).await;
    assert_eq!(me.clients[0].relationship, Relationship::Client);
    assert_eq!(me.clients[0].client.first_name, "Daan");
    assert!(me.clients[0].permissions.contains(&Permission::Settings));
}

#[tokio::test]
async fn a_contact_without_permissions_still_sees_the_client_but_no_permissions() {
    let app = spawn_app().await;
    let token = app.login_as("kees").await;
    let me: Me = json_as(app.get_me(&token).await).await;
    assert_eq!(me.clients.len(), 1);
    assert!(me.clients[0].permissions.is_empty());
}

#[tokio::test]
async fn care_workers_have_no_client_portals_of_their_own() {
    let app = spawn_app().await;
    let token = app.login_as("fatima").await;
    let me: Me = json_as(app.get_me(&token).await).await;
    assert_eq!(me.user.kind, AccountKind::CareWorker);
    assert!(me.clients.is_empty());
}

#[tokio::test]
async fn a_pending_invitation_does_not_list_the_client() {
    use kring_api::entities::client_contact;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = spawn_app().await;
    let mut link: client_contact::ActiveModel = app.link("pieter", "Johanna").await.into();
    link.invitation_state = Set(kring_shared::contacts::InvitationState::Pending);
    link.update(&app.db).await.unwrap();
    let token = app.login_as("pieter").await;
    let me: Me = json_as(app.get_me(&token).await).await;
    assert!(me.clients.is_empty());
}
