//! The family portal's bundle: everything but the staff tools.

fn main() {
    kring_web::boot(kring_web::FamilyApp);
}
