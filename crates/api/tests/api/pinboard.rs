//! Gegevens and Prikbord: the tabs from the ECD's data, the sharing choice, posts, moods,
//! replies and emoji responses with who may delete what, notifications, live events, and the
//! media store: upload limits, metadata stripped, orientation applied, authorized serving
//! with ETag/304, and the same behaviour on an S3-compatible object store.

use std::time::Duration;

use image::{ImageEncoder, RgbImage, codecs::jpeg::JpegEncoder, codecs::png::PngEncoder};
use kring_api::entities::{client, media, notification, organisation};
use kring_shared::{
    details::ClientDetails,
    home::HomeView,
    me::Me,
    pinboard::{Photo, PinboardPage, Post, Reply},
};
use reqwest::{StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    dossier::{open_stream, read_until},
    helpers::{
        TestApp, assert_problem, assert_problem_dto, field_errors, json_as, set_org, spawn_app,
        spawn_app_with,
    },
};

// ---------------------------------------------------------------- test photos

/// A JPEG of `width` × `height` with an EXIF block: orientation 6 (turn 90° clockwise), a
/// camera make that must not survive, and a GPS position.
pub(crate) fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgb([200, 40, 40])
        } else {
            image::Rgb([40, 40, 200])
        }
    });
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 90)
        .write_image(
            image.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    // TIFF, little-endian: IFD0 with Make, Orientation and the GPS IFD pointer; a GPS IFD with
    // the latitude reference and latitude.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let make = b"KRINGSECRETCAMERA\0";
    let entries = 3u16;
    let ifd0_size = 2 + 12 * u32::from(entries) + 4;
    let make_offset = 8 + ifd0_size;
    let gps_offset = make_offset + make.len() as u32;
    tiff.extend(entries.to_le_bytes());
    // Make (0x010F), ASCII.
    tiff.extend(0x010Fu16.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    tiff.extend((make.len() as u32).to_le_bytes());
    tiff.extend(make_offset.to_le_bytes());
    // Orientation (0x0112), SHORT, 6.
    tiff.extend(0x0112u16.to_le_bytes());
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(6u32.to_le_bytes());
    // GPS IFD pointer (0x8825), LONG.
    tiff.extend(0x8825u16.to_le_bytes());
    tiff.extend(4u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(gps_offset.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(make);
    // GPS IFD: GPSLatitudeRef "N", GPSLatitude 52/1 5/1 0/1.
    let latitude_offset = gps_offset + 2 + 12 * 2 + 4;
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(0x0001u16.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(2u32.to_le_bytes());
    tiff.extend(*b"N\0\0\0");
    tiff.extend(0x0002u16.to_le_bytes());
    tiff.extend(5u16.to_le_bytes());
    tiff.extend(3u32.to_le_bytes());
    tiff.extend(latitude_offset.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    for (numerator, denominator) in [(52u32, 1u32), (5, 1), (0, 1)] {
        tiff.extend(numerator.to_le_bytes());
        tiff.extend(denominator.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_pixel(width, height, image::Rgb([90, 160, 90]));
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            image.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A decompression bomb: a valid PNG header claiming 60 000 × 60 000 pixels (10 GB to decode)
/// in a few hundred bytes.
fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend(60_000u32.to_be_bytes());
    header.extend(60_000u32.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]);
    chunk(b"IHDR", &header);
    chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

// ---------------------------------------------------------------- helpers

/// The `field/code` pairs of a 422.
pub(crate) async fn invalid(response: reqwest::Response) -> Vec<String> {
    let problem = assert_problem_dto(response, 422, "validation_failed").await;
    field_errors(&problem)
        .into_iter()
        .map(|(field, code)| format!("{field}/{code}"))
        .collect()
}

async fn upload(
    app: &TestApp,
    token: &str,
    client: Uuid,
    bytes: Vec<u8>,
    kind: &str,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/clients/{client}/media")))
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, kind)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn uploaded(app: &TestApp, token: &str, client: Uuid, bytes: Vec<u8>) -> Photo {
    let response = upload(app, token, client, bytes, "image/jpeg").await;
    assert_eq!(response.status(), StatusCode::CREATED, "upload");
    json_as(response).await
}

async fn post(app: &TestApp, token: &str, client: Uuid, body: Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/clients/{client}/pinboard"),
        Some(token),
        body,
    )
    .await
}

async fn posted(app: &TestApp, token: &str, client: Uuid, body: Value) -> Post {
    let response = post(app, token, client, body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "post");
    json_as(response).await
}

async fn delete_post(app: &TestApp, token: &str, client: Uuid, post: Uuid) -> reqwest::Response {
    app.delete_as(token, &format!("/api/clients/{client}/pinboard/{post}"))
        .await
}

async fn board(app: &TestApp, token: &str, client: Uuid, query: &str) -> PinboardPage {
    let response = app
        .get_as(token, &format!("/api/clients/{client}/pinboard?{query}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "pinboard {query}");
    json_as(response).await
}

async fn details(app: &TestApp, token: &str, client: Uuid) -> ClientDetails {
    let response = app
        .get_as(token, &format!("/api/clients/{client}/details"))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "details");
    json_as(response).await
}

async fn fetch(app: &TestApp, token: &str, url: &str) -> reqwest::Response {
    app.get_as(token, url).await
}

// ---------------------------------------------------------------- Gegevens

#[tokio::test]
async fn gegevens_shows_what_the_ecd_sent_and_only_shared_contact_details() {
    let app = spawn_app().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let shown = details(&app, &marieke, johanna).await;
    assert_eq!(shown.client.first_name, "Johanna");
    let address = shown.client.address.clone().expect("address from the ECD");
    assert!(address.street.starts_with("Lindelaan"));
    assert_eq!(
        (address.postal_code.as_str(), address.city.as_str()),
        ("3511 AB", "Utrecht")
    );
    assert_eq!(shown.client.phone.as_deref(), Some("030 111 22 33"));
    assert!(shown.gp.is_some_and(|gp| !gp.name.is_empty()));
    assert_eq!(
        shown.pharmacy.map(|pharmacy| pharmacy.name).as_deref(),
        Some("Apotheek De Linde")
    );
    assert_eq!(
        shown
            .insurance
            .map(|insurance| insurance.insurer)
            .as_deref(),
        Some("Zilveren Kruis")
    );
    let fatima = shown
        .care_team
        .iter()
        .find(|member| member.first_name == "Fatima")
        .expect("Fatima in the care team");
    assert_eq!(fatima.care_role, kring_shared::admin::CareRole::Evv);
    // The network: the primary contact first, nobody's e-mail or mobile until they share it.
    let names: Vec<&str> = shown
        .contacts
        .iter()
        .map(|contact| contact.first_name.as_str())
        .collect();
    assert_eq!(names.first(), Some(&"Marieke"));
    assert!(names.contains(&"Sandra") && names.contains(&"Pieter") && names.contains(&"Kees"));
    assert!(
        shown
            .contacts
            .iter()
            .all(|contact| contact.email.is_none() && contact.mobile.is_none())
    );
    // No BSN anywhere in the answer.
    let raw = app
        .get_as(&marieke, &format!("/api/clients/{johanna}/details"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!raw.to_lowercase().contains("bsn"));

    let sandra = app.login_as("sandra").await;
    let saved = app
        .put_json(
            "/api/me/sharing",
            &sandra,
            json!({"share_contact_details": true}),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let me: Me = json_as(app.get_me(&sandra).await).await;
    assert!(me.user.share_contact_details);
    let shown = details(&app, &marieke, johanna).await;
    let sandra_row = shown
        .contacts
        .iter()
        .find(|contact| contact.first_name == "Sandra")
        .unwrap();
    assert_eq!(sandra_row.email.as_deref(), Some(me.user.email.as_str()));
    assert_eq!(sandra_row.mobile, me.user.mobile);
    assert!(
        shown
            .contacts
            .iter()
            .filter(|contact| contact.first_name != "Sandra")
            .all(|contact| contact.email.is_none())
    );

    // A client's own account is not one of their contacts.
    let daan = app.login_as("daan").await;
    let own = details(&app, &daan, app.client_id("Daan").await).await;
    assert!(own.contacts.is_empty());
}

#[tokio::test]
async fn gegevens_and_the_pinboard_are_refused_without_the_permission_and_to_the_care_team() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    for username in ["pieter", "kees", "fatima", "beheer"] {
        let token = app.login_as(username).await;
        for path in [
            format!("/api/clients/{johanna}/details"),
            format!("/api/clients/{johanna}/pinboard"),
        ] {
            assert_problem(app.get_as(&token, &path).await, 403, "permission_denied").await;
        }
        assert_problem(
            post(&app, &token, johanna, json!({"text": "hallo"})).await,
            403,
            "permission_denied",
        )
        .await;
        assert_problem(
            upload(&app, &token, johanna, png(8, 8), "image/png").await,
            403,
            "permission_denied",
        )
        .await;
    }
    // The organisation switches Gegevens off: refused for everyone, also on the start screen.
    set_org(&app, |org: &mut organisation::ActiveModel| {
        org.panel_details_enabled = sea_orm::ActiveValue::Set(false);
    })
    .await;
    let marieke = app.login_as("marieke").await;
    assert_problem(
        app.get_as(&marieke, &format!("/api/clients/{johanna}/pinboard"))
            .await,
        403,
        "permission_denied",
    )
    .await;
    assert!(
        !app.panels_of("marieke", johanna)
            .await
            .contains(&"details".to_owned())
    );
}

// ---------------------------------------------------------------- Prikbord

#[tokio::test]
async fn the_network_posts_replies_and_responds_and_only_writers_and_administrators_delete() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let sandra = app.login_as("sandra").await;

    let first = posted(
        &app,
        &marieke,
        johanna,
        json!({"text": "  Vandaag naar de markt geweest!  "}),
    )
    .await;
    assert_eq!(first.text, "Vandaag naar de markt geweest!");
    assert_eq!(first.author.first_name, "Marieke");
    assert!(first.may_delete);
    let seen = board(&app, &sandra, johanna, "").await;
    let mine = seen
        .posts
        .iter()
        .find(|post| post.id == first.id)
        .expect("sandra sees it");
    assert!(!mine.may_delete, "sandra is not a portal administrator");

    // A reply and emoji responses; giving one twice counts once.
    let reply: Reply = json_as(
        app.post_json(
            &format!("/api/clients/{johanna}/pinboard/{}/replies", first.id),
            Some(&sandra),
            json!({"text": "Wat fijn!"}),
        )
        .await,
    )
    .await;
    for _ in 0..2 {
        let response = app
            .http
            .put(app.url(&format!(
                "/api/clients/{johanna}/pinboard/{}/emoji/heart",
                first.id
            )))
            .bearer_auth(&sandra)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let updated: Post = json_as(
        app.http
            .put(app.url(&format!(
                "/api/clients/{johanna}/pinboard/{}/emoji/thumbs_up",
                first.id
            )))
            .bearer_auth(&marieke)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let counts: Vec<(String, u32, bool)> = updated
        .emoji
        .iter()
        .map(|given| {
            (
                serde_json::to_value(given.emoji)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned(),
                given.count,
                given.mine,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("heart".to_owned(), 1, false),
            ("thumbs_up".to_owned(), 1, true)
        ]
    );
    assert_eq!(updated.replies.len(), 1);
    assert_eq!(updated.replies[0].text, "Wat fijn!");
    assert!(
        updated.replies[0].may_delete,
        "marieke administers the portal"
    );
    // An unknown emoji is a clear 400, not a stored value.
    let unknown = app
        .http
        .put(app.url(&format!(
            "/api/clients/{johanna}/pinboard/{}/emoji/poo",
            first.id
        )))
        .bearer_auth(&sandra)
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 400, "malformed_request").await;

    // Sandra may not delete Marieke's post; Marieke (portal administrator) may delete Sandra's
    // reply; Sandra takes back her own emoji.
    assert_problem(
        delete_post(&app, &sandra, johanna, first.id).await,
        403,
        "permission_denied",
    )
    .await;
    let removed = app
        .delete_as(
            &marieke,
            &format!(
                "/api/clients/{johanna}/pinboard/{}/replies/{}",
                first.id, reply.id
            ),
        )
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let taken_back = app
        .delete_as(
            &sandra,
            &format!("/api/clients/{johanna}/pinboard/{}/emoji/heart", first.id),
        )
        .await;
    assert_eq!(taken_back.status(), StatusCode::OK);
    let now: Post = json_as(
        app.get_as(
            &sandra,
            &format!("/api/clients/{johanna}/pinboard/{}", first.id),
        )
        .await,
    )
    .await;
    assert!(now.replies.is_empty());
    assert_eq!(now.emoji.len(), 1);

    // Sandra deletes her own post; a post of another client's pinboard is not found here.
    let hers = posted(&app, &sandra, johanna, json!({"text": "Groetjes"})).await;
    let gone = delete_post(&app, &sandra, johanna, hers.id).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let gerrit = app.client_id("Gerrit").await;
    assert_problem(
        app.get_as(
            &sandra,
            &format!("/api/clients/{gerrit}/pinboard/{}", first.id),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // Marieke deletes her post with everything under it.
    let gone = delete_post(&app, &marieke, johanna, first.id).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert!(
        board(&app, &sandra, johanna, "")
            .await
            .posts
            .iter()
            .all(|post| post.id != first.id)
    );
}

#[tokio::test]
async fn only_the_client_posts_a_mood_and_bad_posts_name_their_field() {
    let app = spawn_app().await;
    let daan_client = app.client_id("Daan").await;
    let daan = app.login_as("daan").await;
    let mood = posted(
        &app,
        &daan,
        daan_client,
        json!({"mood": "happy", "text": "Lekker gewandeld"}),
    )
    .await;
    assert_eq!(serde_json::to_value(mood.mood).unwrap(), "happy");
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    assert_eq!(
        invalid(post(&app, &marieke, johanna, json!({"mood": "sad"})).await).await,
        ["mood/client_only"]
    );
    assert_eq!(
        invalid(post(&app, &marieke, johanna, json!({"text": "   "})).await).await,
        ["text/required"]
    );
    assert_eq!(
        invalid(post(&app, &marieke, johanna, json!({"text": "x".repeat(2001)})).await).await,
        ["text/too_long"]
    );
    assert_eq!(
        invalid(post(&app, &daan, daan_client, json!({"mood": "ecstatic"})).await).await,
        ["mood/invalid"]
    );
    assert_problem(
        app.post_json(
            &format!("/api/clients/{johanna}/pinboard/{}/replies", Uuid::new_v4()),
            Some(&marieke),
            json!({"text": "hoi"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // Nothing of the refused posts was stored.
    assert_eq!(
        board(&app, &marieke, johanna, "").await.posts.len(),
        demo_posts(&app, johanna).await
    );
}

async fn demo_posts(app: &TestApp, client: Uuid) -> usize {
    kring_api::entities::pinboard_post::Entity::find()
        .filter(kring_api::entities::pinboard_post::Column::ClientId.eq(client))
        .count(&app.db)
        .await
        .unwrap() as usize
}

#[tokio::test]
async fn the_pinboard_pages_newest_first() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let before = demo_posts(&app, johanna).await;
    for n in 0..23 {
        posted(
            &app,
            &marieke,
            johanna,
            json!({"text": format!("bericht {n}")}),
        )
        .await;
    }
    let first = board(&app, &marieke, johanna, "").await;
    assert_eq!(first.posts.len(), 20);
    assert_eq!(first.posts[0].text, "bericht 22");
    let mut all: Vec<Uuid> = first.posts.iter().map(|post| post.id).collect();
    let mut cursor = first.next_cursor.clone();
    while let Some(next) = cursor {
        let page = board(&app, &marieke, johanna, &format!("cursor={next}&limit=20")).await;
        all.extend(page.posts.iter().map(|post| post.id));
        cursor = page.next_cursor;
    }
    assert_eq!(all.len(), 23 + before);
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "no post twice across pages");
    let bad = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/pinboard?cursor=nonsense"),
        )
        .await;
    let problem = assert_problem_dto(bad, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("cursor", "invalid_cursor")]);
    let bad = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/pinboard?limit=0"),
        )
        .await;
    assert_problem(bad, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_new_post_notifies_the_network_unless_switched_off_and_shows_on_the_start_screen() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let sandra = app.login_as("sandra").await;
    let count = |username: &'static str| {
        let app = &app;
        async move {
            let user = app.user(username).await;
            notification::Entity::find()
                .filter(notification::Column::UserId.eq(user.id))
                .filter(
                    notification::Column::Kind
                        .eq(kring_shared::contacts::NotificationKind::PinboardPost),
                )
                .count(&app.db)
                .await
                .unwrap()
        }
    };
    let before = (
        count("sandra").await,
        count("marieke").await,
        count("pieter").await,
    );
    let first = posted(&app, &marieke, johanna, json!({"text": "Nieuws!"})).await;
    assert_eq!(count("sandra").await, before.0 + 1, "sandra has Gegevens");
    assert_eq!(count("marieke").await, before.1, "not the writer");
    assert_eq!(count("pieter").await, before.2, "pieter has no Gegevens");
    let listed: Value = json_as(app.get_as(&sandra, "/api/me/notifications").await).await;
    assert!(listed.to_string().contains("pinboard_post"));

    // The start screen's Gegevens panel shows the latest post.
    let home: HomeView = json_as(app.get_home(&sandra, johanna).await).await;
    let panel = home
        .panels
        .iter()
        .find(|panel| panel.kind == kring_shared::PanelKind::Details)
        .unwrap();
    assert_eq!(
        panel.latest_post.as_ref().map(|post| post.id),
        Some(first.id)
    );

    let switched = app
        .put_json(
            &format!("/api/me/clients/{johanna}/notifications"),
            &sandra,
            json!({"pinboard": false}),
        )
        .await;
    assert_eq!(switched.status(), StatusCode::OK);
    let me: Me = json_as(app.get_me(&sandra).await).await;
    assert!(
        !me.clients
            .iter()
            .find(|membership| membership.client.id == johanna)
            .unwrap()
            .pinboard_notifications
    );
    posted(&app, &marieke, johanna, json!({"text": "Nog meer nieuws"})).await;
    assert_eq!(
        count("sandra").await,
        before.0 + 1,
        "switched off for Johanna"
    );
    // Not for a client one is not linked to.
    let gerrit = app.client_id("Gerrit").await;
    assert_problem(
        app.put_json(
            &format!("/api/me/clients/{gerrit}/notifications"),
            &marieke,
            json!({"pinboard": false}),
        )
        .await,
        403,
        "permission_denied",
    )
    .await;
}

#[tokio::test]
async fn a_post_and_a_reaction_reach_open_pages_live() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let sandra = app.login_as("sandra").await;
    let mut stream = open_stream(&app, &sandra, johanna).await;
    let first = posted(&app, &marieke, johanna, json!({"text": "Live!"})).await;
    let seen = read_until(&mut stream, "event: pinboard", Duration::from_secs(2)).await;
    assert!(
        seen.contains("event: pinboard") && seen.contains(&johanna.to_string()),
        "{seen}"
    );
    let mut other = open_stream(&app, &marieke, johanna).await;
    app.http
        .put(app.url(&format!(
            "/api/clients/{johanna}/pinboard/{}/emoji/hug",
            first.id
        )))
        .bearer_auth(&sandra)
        .send()
        .await
        .unwrap();
    let seen = read_until(&mut other, "event: pinboard", Duration::from_secs(2)).await;
    assert!(seen.contains("event: pinboard"), "{seen}");
    // Pieter (no Gegevens) follows the agenda but hears nothing of the pinboard.
    let pieter = app.login_as("pieter").await;
    let mut his = open_stream(&app, &pieter, johanna).await;
    posted(&app, &marieke, johanna, json!({"text": "Niet voor Pieter"})).await;
    let seen = read_until(&mut his, "event: pinboard", Duration::from_millis(1500)).await;
    assert!(!seen.contains("event: pinboard"), "{seen}");
}

// ---------------------------------------------------------------- photos

#[tokio::test]
async fn photos_are_stored_upright_without_metadata_and_served_only_to_who_may_see_them() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let sandra = app.login_as("sandra").await;
    let original = jpeg_with_exif(64, 32);
    assert!(contains(&original, b"KRINGSECRETCAMERA") && contains(&original, b"Exif"));
    // The Content-Type is not believed: what it is comes from the bytes.
    let response = upload(&app, &marieke, johanna, original, "text/plain").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let photo: Photo = json_as(response).await;
    // Orientation 6 turned the 64 × 32 photo upright: 32 × 64.
    assert_eq!((photo.width, photo.height), (32, 64));

    // Before it is posted only its uploader sees it.
    let display = fetch(&app, &marieke, &photo.url).await;
    assert_eq!(display.status(), StatusCode::OK);
    assert_eq!(display.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert!(
        display.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    let etag = display.headers()[header::ETAG].to_str().unwrap().to_owned();
    let bytes = display.bytes().await.unwrap();
    for secret in [&b"Exif"[..], b"KRINGSECRETCAMERA", &[0xFF, 0xE1]] {
        assert!(
            !contains(&bytes, secret),
            "metadata left in the served photo"
        );
    }
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (32, 64));
    // Red was on the left; turned clockwise it is on top.
    let top = decoded.to_rgb8().get_pixel(16, 4).0;
    assert!(top[0] > 150 && top[2] < 100, "upright: {top:?}");
    // And the stored files themselves: every file in the media store is metadata-free.
    let mut stored_files = 0;
    for entry in walk(&app.data_dir.path().join("media")) {
        let stored = std::fs::read(&entry).unwrap();
        assert!(!contains(&stored, b"KRINGSECRETCAMERA") && !contains(&stored, b"Exif"));
        stored_files += 1;
    }
    assert_eq!(stored_files, 2, "a display size and a thumbnail");
    assert_problem(fetch(&app, &sandra, &photo.url).await, 404, "not_found").await;

    // 304 for a matching ETag.
    let again = app
        .http
        .get(app.url(&photo.url))
        .bearer_auth(&marieke)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[header::ETAG].to_str().unwrap(), etag);

    // Posted: the network with Gegevens sees it; Pieter, Kees and the care team do not.
    let shown = posted(
        &app,
        &marieke,
        johanna,
        json!({"text": "Foto", "photos": [photo.id]}),
    )
    .await;
    assert_eq!(shown.photos.len(), 1);
    let thumbnail = fetch(&app, &sandra, &photo.thumbnail_url).await;
    assert_eq!(thumbnail.status(), StatusCode::OK);
    let small = image::load_from_memory(&thumbnail.bytes().await.unwrap()).unwrap();
    assert!(small.width() <= 320 && small.height() <= 320);
    for username in ["pieter", "kees", "fatima", "beheer"] {
        let token = app.login_as(username).await;
        assert_problem(fetch(&app, &token, &photo.url).await, 404, "not_found").await;
    }
    assert_problem(
        app.http.get(app.url(&photo.url)).send().await.unwrap(),
        401,
        "authentication_required",
    )
    .await;

    // One photo cannot be on two posts, nor on someone else's.
    assert_eq!(
        invalid(
            post(
                &app,
                &marieke,
                johanna,
                json!({"text": "Weer", "photos": [photo.id]})
            )
            .await
        )
        .await,
        ["photos/unknown_photo"]
    );
    let sandras = uploaded(&app, &sandra, johanna, png(10, 10)).await;
    assert_eq!(
        invalid(
            post(
                &app,
                &marieke,
                johanna,
                json!({"text": "Niet van mij", "photos": [sandras.id]}),
            )
            .await
        )
        .await,
        ["photos/unknown_photo"]
    );

    // Deleting the post deletes its photos, rows and files.
    let gone = delete_post(&app, &marieke, johanna, shown.id).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_problem(fetch(&app, &marieke, &photo.url).await, 404, "not_found").await;
    assert!(
        walk(&app.data_dir.path().join("media"))
            .iter()
            .all(|path| !path.to_string_lossy().contains(&photo.id.to_string()))
    );
}

pub(crate) fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[tokio::test]
async fn uploads_that_are_too_big_not_a_photo_or_a_bomb_are_refused_and_leave_nothing() {
    let app = spawn_app_with(|config| config.media_max_upload_bytes = 200_000).await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let problem = assert_problem_dto(
        upload(&app, &marieke, johanna, vec![0xFF; 200_001], "image/jpeg").await,
        413,
        "payload_too_large",
    )
    .await;
    assert!(problem.detail.unwrap().contains("MB"));
    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF".to_vec();
    let gif = b"GIF89a\x01\x00\x01\x00".to_vec();
    for (bytes, claimed) in [
        (svg, "image/svg+xml"),
        (program, "image/jpeg"),
        (gif, "image/gif"),
    ] {
        assert_problem(
            upload(&app, &marieke, johanna, bytes, claimed).await,
            415,
            "unsupported_media_type",
        )
        .await;
    }
    let bomb = png_bomb();
    assert!(bomb.len() < 200);
    assert_eq!(
        invalid(upload(&app, &marieke, johanna, bomb, "image/png").await).await,
        ["file/too_many_pixels"]
    );
    // A PNG whose image data does not match its checksum.
    let mut broken = png(16, 16);
    let data = broken
        .windows(4)
        .position(|window| window == b"IDAT")
        .unwrap()
        + 4;
    broken[data + 2] ^= 0xFF;
    assert_eq!(
        invalid(upload(&app, &marieke, johanna, broken, "image/png").await).await,
        ["file/unreadable"]
    );
    assert_eq!(
        invalid(upload(&app, &marieke, johanna, Vec::new(), "image/jpeg").await).await,
        ["file/required"]
    );
    // Eleven photos are one too many for a post.
    let ids: Vec<Uuid> = (0..11).map(|_| Uuid::new_v4()).collect();
    let refused = invalid(
        post(
            &app,
            &marieke,
            johanna,
            json!({"text": "veel", "photos": ids}),
        )
        .await,
    )
    .await;
    assert!(
        refused.contains(&"photos/too_many".to_owned()),
        "{refused:?}"
    );
    // Nothing refused was stored.
    let rows = media::Entity::find()
        .filter(media::Column::ClientId.eq(johanna))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert!(walk(&app.data_dir.path().join("media")).is_empty());
}

#[tokio::test]
async fn a_photo_over_the_pixel_limit_is_refused_before_it_is_decoded() {
    let app = spawn_app_with(|config| config.media_max_pixels = 1_000_000).await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    assert_eq!(
        invalid(upload(&app, &marieke, johanna, png(1100, 1000), "image/png").await).await,
        ["file/too_many_pixels"]
    );
    // A big one within the limit is made smaller for display.
    let photo = uploaded(&app, &marieke, johanna, png(1000, 1000)).await;
    assert_eq!((photo.width, photo.height), (1000, 1000));
    let app2 = spawn_app().await;
    let marieke2 = app2.login_as("marieke").await;
    let johanna2 = app2.client_id("Johanna").await;
    let big = uploaded(&app2, &marieke2, johanna2, png(2400, 1200)).await;
    assert_eq!((big.width, big.height), (1600, 800));
    // The thumbnail keeps the shape; a small photo is not enlarged.
    let bytes = fetch(&app2, &marieke2, &big.thumbnail_url)
        .await
        .bytes()
        .await
        .unwrap();
    let thumbnail = image::load_from_memory(&bytes).unwrap();
    assert_eq!((thumbnail.width(), thumbnail.height()), (320, 160));
    let small = uploaded(&app2, &marieke2, johanna2, png(40, 20)).await;
    let bytes = fetch(&app2, &marieke2, &small.thumbnail_url)
        .await
        .bytes()
        .await
        .unwrap();
    let thumbnail = image::load_from_memory(&bytes).unwrap();
    assert_eq!((thumbnail.width(), thumbnail.height()), (40, 20));
}

#[tokio::test]
async fn the_client_photo_from_the_ecd_is_a_url_in_me_and_served_to_the_network_and_care_team() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let photo = jpeg_with_exif(40, 20);
    use base64::Engine;
    let body = json!({
        "first_name": "Johanna",
        "last_name": "de Vries",
        "birth_date": "1938-04-12",
        "photo": base64::engine::general_purpose::STANDARD.encode(&photo),
    });
    let response = app
        .http
        .put(app.url("/api/integration/clients/ECD-1001"))
        .bearer_auth(&key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    let marieke = app.login_as("marieke").await;
    let raw = app.get_me(&marieke).await.text().await.unwrap();
    assert!(!raw.contains("data:image"), "no photo bytes in /api/me");
    let me: Me = serde_json::from_str(&raw).unwrap();
    let url = me
        .clients
        .iter()
        .find(|membership| membership.client.first_name == "Johanna")
        .and_then(|membership| membership.client.photo_url.clone())
        .expect("a photo URL");
    assert!(url.starts_with("/api/media/"));
    // Kees (no permissions: "sees only the photo") and Fatima (care team) see it; Daan does not.
    for username in ["marieke", "kees", "fatima", "beheer"] {
        let token = app.login_as(username).await;
        let served = fetch(&app, &token, &url).await;
        assert_eq!(served.status(), StatusCode::OK, "{username}");
        let bytes = served.bytes().await.unwrap();
        assert!(!contains(&bytes, b"KRINGSECRETCAMERA"));
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (20, 40));
    }
    let daan = app.login_as("daan").await;
    assert_problem(fetch(&app, &daan, &url).await, 404, "not_found").await;
    // An unsupported photo names its field; "" removes the photo.
    let mut bad = body.clone();
    bad["photo"] = json!(base64::engine::general_purpose::STANDARD.encode(b"<svg/>"));
    let refused = app
        .http
        .put(app.url("/api/integration/clients/ECD-1001"))
        .bearer_auth(&key)
        .json(&bad)
        .send()
        .await
        .unwrap();
    let problem = assert_problem_dto(refused, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("photo", "unsupported_format")]);
    let mut none = body.clone();
    none["photo"] = json!("");
    let removed = app
        .http
        .put(app.url("/api/integration/clients/ECD-1001"))
        .bearer_auth(&key)
        .json(&none)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::OK);
    let johanna = client::Entity::find_by_id(app.client_id("Johanna").await)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(johanna.photo_media_id, None);
    assert_problem(fetch(&app, &marieke, &url).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_client_photo_stored_as_a_data_url_moves_to_the_media_store_at_start() {
    let app = spawn_app().await;
    let johanna_id = app.client_id("Johanna").await;
    use base64::Engine;
    let legacy = format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(jpeg_with_exif(40, 20))
    );
    let found = client::Entity::find_by_id(johanna_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: client::ActiveModel = found.into();
    active.photo_url = sea_orm::ActiveValue::Set(Some(legacy));
    sea_orm::ActiveModelTrait::update(active, &app.db)
        .await
        .unwrap();
    let config = kring_api::config::Config {
        data_dir: app.data_dir.path().to_path_buf(),
        ..kring_api::config::Config::default()
    };
    let store = kring_api::services::media::MediaStore::from_config(&config).unwrap();
    let moved = kring_api::services::media::adopt_legacy_photos(&app.db, &store)
        .await
        .unwrap();
    assert_eq!(moved, 1);
    let after = client::Entity::find_by_id(johanna_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.photo_url, None);
    let marieke = app.login_as("marieke").await;
    let home: HomeView = json_as(app.get_home(&marieke, johanna_id).await).await;
    let url = home.client.photo_url.expect("photo URL");
    let served = fetch(&app, &marieke, &url).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert!(!contains(
        &served.bytes().await.unwrap(),
        b"KRINGSECRETCAMERA"
    ));
    // Running it again moves nothing.
    assert_eq!(
        kring_api::services::media::adopt_legacy_photos(&app.db, &store)
            .await
            .unwrap(),
        0
    );
}

/// moto's S3-compatible server from PyPI (scripts/setup installs it next to the test SMTP
/// server).
struct S3Server {
    port: u16,
    child: std::process::Child,
}

impl S3Server {
    async fn start() -> S3Server {
        let python =
            std::env::var("KRING_TEST_SMTP_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let port = crate::helpers::SmtpServer::free_port();
        let mut child = std::process::Command::new(&python)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p"])
            .arg(port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start moto with {python} (run scripts/setup): {error}")
            });
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http
                .get(format!("http://127.0.0.1:{port}/"))
                .send()
                .await
                .is_ok()
            {
                // Buckets are made outside the portal, as an operator would.
                let made = http
                    .put(format!("http://127.0.0.1:{port}/kring-media"))
                    .send()
                    .await
                    .unwrap();
                assert!(made.status().is_success(), "bucket: {}", made.status());
                return S3Server { port, child };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("moto did not start on {port}");
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_media_store_works_the_same_on_an_s3_compatible_object_store() {
    let s3 = S3Server::start().await;
    let port = s3.port;
    let app = spawn_app_with(|config| {
        config.media_s3_bucket = Some("kring-media".to_owned());
        config.media_s3_endpoint = Some(format!("http://127.0.0.1:{port}"));
        config.media_s3_access_key_id = Some("test".to_owned());
        config.media_s3_secret_access_key = Some("test".to_owned());
    })
    .await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let photo = uploaded(&app, &marieke, johanna, jpeg_with_exif(64, 32)).await;
    let shown = posted(&app, &marieke, johanna, json!({"photos": [photo.id]})).await;
    assert!(
        walk(&app.data_dir.path().join("media")).is_empty(),
        "nothing on the local disk"
    );
    // The bucket holds both sizes, metadata-free.
    let listing = reqwest::get(format!("http://127.0.0.1:{port}/kring-media?list-type=2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listing.contains(&format!("{}/display", photo.id))
            && listing.contains(&format!("{}/thumbnail", photo.id)),
        "{listing}"
    );
    let sandra = app.login_as("sandra").await;
    let served = fetch(&app, &sandra, &photo.url).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert!(!contains(
        &served.bytes().await.unwrap(),
        b"KRINGSECRETCAMERA"
    ));
    let gone = delete_post(&app, &marieke, johanna, shown.id).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let listing = reqwest::get(format!("http://127.0.0.1:{port}/kring-media?list-type=2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !listing.contains(&photo.id.to_string()),
        "files removed from the bucket"
    );
}

#[tokio::test]
async fn parallel_uploads_cannot_pass_the_cap_on_waiting_photos() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    for _ in 0..26 {
        uploaded(&app, &marieke, johanna, png(8, 8)).await;
    }
    // Eight at once (the server takes eight uploads at a time): four fit under the 30.
    let answers = futures_util::future::join_all(
        (0..8).map(|_| upload(&app, &marieke, johanna, png(8, 8), "image/png")),
    )
    .await;
    let mut created = 0;
    for answer in answers {
        if answer.status() == StatusCode::CREATED {
            created += 1;
        } else {
            let problem = assert_problem_dto(answer, 422, "validation_failed").await;
            assert_eq!(field_errors(&problem), [("file", "too_many_waiting")]);
        }
    }
    assert_eq!(created, 4);
    let waiting = media::Entity::find()
        .filter(media::Column::ClientId.eq(johanna))
        .filter(media::Column::PostId.is_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(waiting, 30);
    // The refused ones left no files behind.
    assert_eq!(walk(&app.data_dir.path().join("media")).len(), 60);
}

#[tokio::test]
async fn the_sweep_removes_photos_never_posted_and_files_without_a_row() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let old = uploaded(&app, &marieke, johanna, png(8, 8)).await;
    let fresh = uploaded(&app, &marieke, johanna, png(8, 8)).await;
    let kept = uploaded(&app, &marieke, johanna, png(8, 8)).await;
    posted(&app, &marieke, johanna, json!({"photos": [kept.id]})).await;
    let orphan = uploaded(&app, &marieke, johanna, png(8, 8)).await;
    // `old` was uploaded two days ago; `orphan`'s row is gone (a failed transaction) and its
    // files are two hours old.
    let two_days_ago = chrono::Utc::now() - chrono::Duration::days(2);
    media::Entity::update_many()
        .col_expr(
            media::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(two_days_ago),
        )
        .filter(media::Column::Id.eq(old.id))
        .exec(&app.db)
        .await
        .unwrap();
    media::Entity::delete_by_id(orphan.id)
        .exec(&app.db)
        .await
        .unwrap();
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 60 * 60);
    for file in walk(&app.data_dir.path().join("media")) {
        if file.to_string_lossy().contains(&orphan.id.to_string()) {
            std::fs::File::options()
                .write(true)
                .open(&file)
                .unwrap()
                .set_modified(two_hours_ago)
                .unwrap();
        }
    }
    let config = kring_api::config::Config {
        data_dir: app.data_dir.path().to_path_buf(),
        ..kring_api::config::Config::default()
    };
    let store = kring_api::services::media::MediaStore::from_config(&config).unwrap();
    let removed = store.sweep(&app.db).await.unwrap();
    assert_eq!(removed, 3, "the old upload, and the orphan's two files");
    let files: Vec<String> = walk(&app.data_dir.path().join("media"))
        .iter()
        .map(|path| path.to_string_lossy().into_owned())
        .collect();
    assert!(
        files
            .iter()
            .all(|file| !file.contains(&old.id.to_string())
                && !file.contains(&orphan.id.to_string()))
    );
    assert_eq!(
        files
            .iter()
            .filter(|file| file.contains(&fresh.id.to_string()))
            .count(),
        2
    );
    assert_eq!(
        files
            .iter()
            .filter(|file| file.contains(&kept.id.to_string()))
            .count(),
        2
    );
    assert_eq!(
        fetch(&app, &marieke, &fresh.url).await.status(),
        StatusCode::OK
    );
    assert_problem(fetch(&app, &marieke, &old.url).await, 404, "not_found").await;
}

#[tokio::test]
async fn contact_details_are_shared_only_with_networks_the_person_joined() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let sandra = app.login_as("sandra").await;
    app.put_json(
        "/api/me/sharing",
        &sandra,
        json!({"share_contact_details": true}),
    )
    .await;
    // Sandra's link to Johanna is only an invitation again.
    let mut link: kring_api::entities::client_contact::ActiveModel =
        app.link("sandra", "Johanna").await.into();
    link.invitation_state =
        sea_orm::ActiveValue::Set(kring_shared::contacts::InvitationState::Pending);
    sea_orm::ActiveModelTrait::update(link, &app.db)
        .await
        .unwrap();
    let shown = details(&app, &marieke, johanna).await;
    let row = shown
        .contacts
        .iter()
        .find(|contact| contact.first_name == "Sandra")
        .expect("still listed as invited");
    assert_eq!((row.email.as_deref(), row.mobile.as_deref()), (None, None));
}

#[tokio::test]
async fn an_unposted_photo_is_removed_by_its_uploader_only() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let sandra = app.login_as("sandra").await;
    let mine = uploaded(&app, &marieke, johanna, png(8, 8)).await;
    let posted_photo = uploaded(&app, &marieke, johanna, png(8, 8)).await;
    posted(
        &app,
        &marieke,
        johanna,
        json!({"photos": [posted_photo.id]}),
    )
    .await;
    // Not someone else's, not a posted one (that goes with its post).
    for (token, id) in [(&sandra, mine.id), (&marieke, posted_photo.id)] {
        assert_problem(
            app.delete_as(token, &format!("/api/media/{id}")).await,
            404,
            "not_found",
        )
        .await;
    }
    let removed = app
        .delete_as(&marieke, &format!("/api/media/{}", mine.id))
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_problem(fetch(&app, &marieke, &mine.url).await, 404, "not_found").await;
    assert!(
        walk(&app.data_dir.path().join("media"))
            .iter()
            .all(|path| !path.to_string_lossy().contains(&mine.id.to_string()))
    );
    assert_eq!(
        fetch(&app, &sandra, &posted_photo.url).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn rolling_back_is_refused_while_client_photos_live_only_in_the_media_store() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    use base64::Engine;
    let body = json!({
        "first_name": "Johanna",
        "last_name": "de Vries",
        "photo": base64::engine::general_purpose::STANDARD.encode(png(20, 20)),
    });
    let stored = app
        .put_json("/api/integration/clients/ECD-1001", &key, body)
        .await;
    assert_eq!(stored.status(), StatusCode::OK);
    use migration::MigratorTrait;
    let refused = migration::Migrator::down(&app.db, None).await.unwrap_err();
    assert!(refused.to_string().contains("client photos"), "{refused}");
    // Migration 11 was not rolled back: the photo is still there. (Counted without the entity:
    // the later migrations' columns are gone by now.)
    use sea_orm::ConnectionTrait;
    let left = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM media WHERE purpose = 'client_photo'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(left, 1);
}
