//! `kring demo --copy`: copies of the demo organisation that the browser tests change without
//! touching each other's people.

use kring_api::services::demo;
use kring_shared::me::Me;

use crate::helpers::*;

async fn me_of(app: &TestApp, username: &str) -> Me {
    let token = app.login_as(username).await;
    json_as(app.get_me(&token).await).await
}

#[tokio::test]
async fn copies_loaded_at_once_get_their_own_organisation_people_and_clients() {
    let app = spawn_app().await;
    // Two commands asking for the same number at the same moment: one gets the next.
    let (first, second) = tokio::join!(demo::load_copy(&app.db, 42), demo::load_copy(&app.db, 42));
    let (first, second) = (first.expect("a copy"), second.expect("another copy"));
    let mut slugs = [first.slug().to_owned(), second.slug().to_owned()];
    slugs.sort();
    assert_eq!(slugs, ["demo-42", "demo-43"]);

    let original = me_of(&app, "marieke").await;
    let copied = me_of(&app, &first.username("marieke")).await;
    let other = me_of(&app, &second.username("marieke")).await;
    // The same person and client, each in an organisation of its own.
    for me in [&copied, &other] {
        assert_eq!(me.user.first_name, "Marieke");
        assert_eq!(me.clients.len(), 1);
        assert_eq!(me.clients[0].client.first_name, "Johanna");
        assert_ne!(me.clients[0].client.id, original.clients[0].client.id);
        assert_ne!(
            me.user.mobile, original.user.mobile,
            "codes must not be mixed up"
        );
    }
    assert_ne!(copied.clients[0].client.id, other.clients[0].client.id);
    assert_ne!(copied.user.mobile, other.user.mobile);

    // What the command prints names every demo login.
    let people = first.people();
    assert_eq!(people.len(), demo::DEMO_LOGINS.len());
    assert!(
        people
            .iter()
            .any(|(base, username, _)| *base == "beheer" && username == &first.username("beheer"))
    );
}
