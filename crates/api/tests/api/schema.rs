//! Migrations and demo data.

use kring_api::{
    entities::{client, client_contact, user},
    services::demo::{self, DemoOutcome},
};
use migration::MigratorTrait;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::helpers::spawn_app;

#[tokio::test]
async fn loading_the_demo_twice_changes_nothing() {
    let app = spawn_app().await;
    let before = (
        user::Entity::find().count(&app.db).await.unwrap(),
        client::Entity::find().count(&app.db).await.unwrap(),
        client_contact::Entity::find().count(&app.db).await.unwrap(),
    );
    assert_eq!(
        demo::load(&app.db).await.unwrap(),
        DemoOutcome::AlreadyPresent
    );
    let after = (
        user::Entity::find().count(&app.db).await.unwrap(),
        client::Entity::find().count(&app.db).await.unwrap(),
        client_contact::Entity::find().count(&app.db).await.unwrap(),
    );
    assert_eq!(before, after);
    assert_eq!(before, (10, 3, 7));
}

#[tokio::test]
async fn every_migration_can_be_rolled_back_and_applied_again() {
    let app = spawn_app().await;
    migration::Migrator::down(&app.db, None).await.unwrap();
    assert!(
        user::Entity::find().count(&app.db).await.is_err(),
        "tables are gone"
    );
    migration::Migrator::up(&app.db, None).await.unwrap();
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(demo::load(&app.db).await.unwrap(), DemoOutcome::Loaded);
}
