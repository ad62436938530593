//! The staff tools' bundle (*Beheer* and the care worker's *Zorg*), served for `/beheer` and
//! `/zorg`.

fn main() {
    kring_web::boot(kring_web::StaffApp);
}
