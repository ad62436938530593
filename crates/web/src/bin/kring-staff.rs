//! The staff tools' bundle (*Beheer*), served for `/beheer`.

fn main() {
    kring_web::boot(kring_web::StaffApp);
}
