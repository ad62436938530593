#![allow(clippy::unwrap_used, clippy::expect_used)]

//! API integration tests: each test spawns the real server on a random port with a fresh
//! database — SQLite, or a fresh PostgreSQL database when `KRING_TEST_POSTGRES_URL` is set.

mod accounts;
mod agenda;
mod audit;
mod auth;
mod authorization;
mod contacts;
mod demo;
mod dossier;
mod errors;
mod export;
mod hardening;
mod health;
mod helpers;
mod home;
mod integration;
mod me;
mod messages;
mod openapi;
mod organisation;
mod outbox;
mod pinboard;
mod scale_out;
mod schema;
mod security;
mod sms_provider;
mod spa;
mod totp;
mod verification;
