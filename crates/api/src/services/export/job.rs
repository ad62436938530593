//! Writing one export: the data of the chosen months, read from the database a page at a time
//! and written straight into the overview (HTML and PDF), the FHIR bundle and the ZIP, so a
//! busy dossier of years is never held in memory whole (the PDF's page streams excepted). It
//! runs on the blocking pool, asking the async database through the runtime's handle.

use std::{
    collections::{BTreeSet, HashMap},
    fs::File,
    io::{self, BufWriter, Write},
    path::Path,
};

use chrono::{DateTime, Utc};
use kring_shared::{
    agenda::Visibility,
    dossier::{CarePlanGoal, DossierKind, QuestionAnswer},
    me::{AccountKind, Language, Relationship},
    permission::Permission,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use tokio::runtime::Handle;
use uuid::Uuid;
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use super::{
    Range,
    fhir::{self, BundleWriter, FileRef},
    overview::{Html, Overview, PdfOverview},
};
use crate::{
    entities::{
        care_appointment, care_team_member, client, client_contact, client_detail, conversation,
        conversation_member, dossier_entry, media, message, organisation, own_appointment,
        pinboard_post, pinboard_reply, user,
    },
    messages::text,
    services::media::{MediaStore, PDF, Size},
};

/// Rows read per query.
const PAGE: u64 = 500;

/// What the job needs.
pub struct Job {
    pub db: DatabaseConnection,
    pub media: MediaStore,
    pub handle: Handle,
    pub export_id: Uuid,
    pub language: Language,
    pub client: client::Model,
    pub organisation: organisation::Model,
    /// The person exporting: their own conversations are in it.
    pub requested_by: Uuid,
    pub range: Range,
    /// What the person exporting may see in the portal, and so what the export holds.
    pub sections: super::Sections,
    /// Told the share done (0–100) after each part.
    pub progress: Box<dyn Fn(u8) + Send>,
}

/// Who a user is in the bundle.
#[derive(Clone)]
struct Person {
    /// The resource id that references point at.
    resource: Uuid,
    name: String,
}

/// The outputs being written.
struct Out<'a> {
    html: Option<Html<BufWriter<File>>>,
    pdf: Option<PdfOverview>,
    bundle: Option<BundleWriter<BufWriter<File>>>,
    bundle_to: Option<BundleWriter<BufWriter<&'a mut dyn Write>>>,
    /// Where files go; `None` for `$everything` (the bundle alone).
    zip: Option<&'a mut ZipWriter<File>>,
    people: HashMap<Uuid, Person>,
    /// People referenced but not (yet) in the bundle: former contacts and care workers.
    missing: BTreeSet<Uuid>,
}

impl Out<'_> {
    fn both(&mut self, write: impl Fn(&mut dyn Overview) -> io::Result<()>) -> io::Result<()> {
        if let Some(html) = self.html.as_mut() {
            write(html)?;
        }
        if let Some(pdf) = self.pdf.as_mut() {
            write(pdf)?;
        }
        Ok(())
    }

    fn fhir(&mut self, resource: serde_json::Value) -> io::Result<()> {
        match (self.bundle.as_mut(), self.bundle_to.as_mut()) {
            (Some(bundle), _) => bundle.add(resource),
            (None, Some(bundle)) => bundle.add(resource),
            (None, None) => Ok(()),
        }
    }

    /// The reference of `user`, remembered as missing when they are not in the bundle yet.
    fn person(&mut self, user: Uuid) -> Uuid {
        match self.people.get(&user) {
            Some(person) => person.resource,
            None => {
                self.missing.insert(user);
                user
            }
        }
    }

    fn name(&self, user: Uuid, names: &HashMap<Uuid, String>) -> String {
        self.people
            .get(&user)
            .map(|person| person.name.clone())
            .or_else(|| names.get(&user).cloned())
            .unwrap_or_else(|| "?".to_owned())
    }
}

/// The result: the ZIP on disk and its size.
pub struct Written {
    pub size: u64,
}

fn io_error(error: impl std::fmt::Display) -> io::Error {
    io::Error::other(error.to_string())
}

impl Job {
    fn t(&self, key: &str) -> String {
        text(self.language, key, &[])
    }

    fn t_with(&self, key: &str, values: &[(&str, &str)]) -> String {
        text(self.language, key, values)
    }

    fn block<T>(
        &self,
        future: impl std::future::Future<Output = Result<T, sea_orm::DbErr>>,
    ) -> io::Result<T> {
        self.handle.block_on(future).map_err(io_error)
    }

    fn when(&self, at: DateTime<Utc>) -> String {
        let local = crate::services::agenda::time::local(at);
        format!(
            "{} {}",
            super::long_date(self.language, local.date()),
            local.format("%H:%M")
        )
    }

    /// Writes the ZIP at `path`.
    pub fn write(&self, dir: &Path, path: &Path) -> io::Result<Written> {
        let file = File::create(path)?;
        let mut zip = ZipWriter::new(file);
        let name = format!("{} {}", self.client.first_name, self.client.last_name);
        let title = self.t_with("export.title", &[("client", &name)]);
        let html_path = dir.join("overzicht.html");
        let fhir_path = dir.join("fhir.json");
        let (html, pdf, bundle) = {
            let mut out = Out {
                html: Some(Html::new(
                    BufWriter::new(File::create(&html_path)?),
                    self.language.as_str(),
                    &title,
                )?),
                pdf: Some(PdfOverview::new(&title)),
                bundle: Some(BundleWriter::new(
                    BufWriter::new(File::create(&fhir_path)?),
                    self.export_id,
                    Utc::now(),
                )?),
                bundle_to: None,
                zip: Some(&mut zip),
                people: HashMap::new(),
                missing: BTreeSet::new(),
            };
            let subtitle = self.t_with(
                "export.subtitle",
                &[
                    ("from", &super::month_name(self.language, self.range.from)),
                    ("until", &super::month_name(self.language, self.range.until)),
                    ("made", &self.when(Utc::now())),
                    ("organisation", &self.organisation.name),
                ],
            );
            out.both(|o| o.title(&title, &subtitle))?;
            self.sections(&mut out)?;
            (out.html.take(), out.pdf.take(), out.bundle.take())
        };
        if let Some(html) = html {
            html.finish()?.flush()?;
        }
        if let Some(bundle) = bundle {
            bundle.finish()?.flush()?;
        }
        let pdf = pdf.map(PdfOverview::finish).unwrap_or_default();
        let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (entry, source) in [("overzicht.html", &html_path), ("fhir.json", &fhir_path)] {
            zip.start_file(entry, deflated).map_err(io_error)?;
            io::copy(&mut File::open(source)?, &mut zip)?;
        }
        zip.start_file("overzicht.pdf", deflated)
            .map_err(io_error)?;
        zip.write_all(&pdf)?;
        zip.start_file("LEESMIJ.txt", deflated).map_err(io_error)?;
        zip.write_all(self.t("export.readme").replace("\\n", "\n").as_bytes())?;
        let file = zip.finish().map_err(io_error)?;
        let size = file.metadata()?.len();
        Ok(Written { size })
    }

    /// Writes only the FHIR bundle to `sink` (`$everything`); the number of resources.
    pub fn write_bundle(&self, sink: &mut dyn Write) -> io::Result<usize> {
        let mut out = Out {
            html: None,
            pdf: None,
            bundle: None,
            bundle_to: Some(BundleWriter::new(
                BufWriter::new(sink),
                self.export_id,
                Utc::now(),
            )?),
            zip: None,
            people: HashMap::new(),
            missing: BTreeSet::new(),
        };
        self.sections(&mut out)?;
        let mut count = 0;
        if let Some(bundle) = out.bundle_to.take() {
            count = bundle.count;
            bundle.finish()?.flush()?;
        }
        Ok(count)
    }

    fn sections(&self, out: &mut Out) -> io::Result<()> {
        let allowed = self.sections;
        self.details(out, allowed.details)?;
        (self.progress)(10);
        self.network(out)?;
        (self.progress)(20);
        if allowed.details {
            self.care_team(out)?;
        } else {
            self.left_out(out, "export.section.care_team", "details")?;
        }
        (self.progress)(25);
        if allowed.dossier {
            self.dossier(out)?;
        } else {
            self.left_out(out, "export.section.dossier", "dossier")?;
        }
        (self.progress)(55);
        if allowed.agenda {
            self.agenda(out)?;
        } else {
            self.left_out(out, "export.section.agenda", "agenda")?;
        }
        (self.progress)(65);
        if allowed.messages {
            self.messages(out)?;
        } else {
            self.left_out(out, "export.section.messages", "messages")?;
        }
        (self.progress)(80);
        if allowed.details {
            self.pinboard(out)?;
        } else {
            self.left_out(out, "export.section.pinboard", "details")?;
        }
        (self.progress)(90);
        self.former_people(out)?;
        Ok(())
    }

    /// A part the person exporting cannot see in the portal (no tick, or the organisation
    /// switched it off) is named, and left out.
    fn left_out(&self, out: &mut Out, section: &str, permission: &str) -> io::Result<()> {
        let tick = self.t(&format!("export.permission.{permission}"));
        let note = self.t_with("export.not_included", &[("permission", &tick)]);
        out.both(|o| {
            o.section(&self.t(section))?;
            o.note(&note)
        })
    }

    fn details(&self, out: &mut Out, allowed: bool) -> io::Result<()> {
        let client = &self.client;
        let details = if allowed {
            self.block(client_detail::Entity::find_by_id(client.id).one(&self.db))?
        } else {
            None
        };
        let details = details.as_ref();
        let field = |pick: fn(&client_detail::Model) -> &Option<String>| {
            details
                .and_then(|d| pick(d).as_deref())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let organisation_id = self.organisation.id;
        out.fhir(fhir::organisation(
            organisation_id,
            &self.organisation.name,
            Some(&self.t("export.kind.care_organisation")),
            None,
        ))?;
        let gp = field(|d| &d.gp_name).map(|name| (fhir::derived(client.id, "gp"), name));
        if let Some((id, name)) = gp {
            out.fhir(fhir::organisation(
                id,
                name,
                Some(&self.t("export.kind.gp")),
                field(|d| &d.gp_phone),
            ))?;
        }
        if let Some(name) = field(|d| &d.pharmacy_name) {
            out.fhir(fhir::organisation(
                fhir::derived(client.id, "pharmacy"),
                name,
                Some(&self.t("export.kind.pharmacy")),
                field(|d| &d.pharmacy_phone),
            ))?;
        }
        if let Some(insurer) = field(|d| &d.insurer) {
            let insurer_id = fhir::derived(client.id, "insurer");
            out.fhir(fhir::organisation(
                insurer_id,
                insurer,
                Some(&self.t("export.kind.insurer")),
                None,
            ))?;
            out.fhir(fhir::coverage(
                fhir::derived(client.id, "coverage"),
                client.id,
                insurer_id,
                field(|d| &d.insurance_number),
            ))?;
        }
        let system = fhir::ecd_system(&self.organisation.slug);
        out.fhir(fhir::patient(&fhir::PatientData {
            id: client.id,
            ecd: client
                .external_id
                .as_deref()
                .map(|id| (system.as_str(), id)),
            first_name: &client.first_name,
            last_name: &client.last_name,
            birth_date: client.birth_date,
            street: field(|d| &d.address_street),
            postal_code: field(|d| &d.address_postal_code),
            city: field(|d| &d.address_city),
            phone: field(|d| &d.phone),
            organisation: organisation_id,
            general_practitioner: gp.map(|(id, _)| id),
            active: client.discharged_on.is_none(),
        }))?;
        let mut rows = vec![(
            self.t("export.details.name"),
            format!("{} {}", client.first_name, client.last_name),
        )];
        if let Some(birth_date) = client.birth_date {
            rows.push((
                self.t("export.details.birth_date"),
                super::long_date(self.language, birth_date),
            ));
        }
        let address = [
            field(|d| &d.address_street),
            field(|d| &d.address_postal_code),
            field(|d| &d.address_city),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        for (key, value) in [
            (
                "export.details.address",
                Some(address.as_str()).filter(|a| !a.is_empty()),
            ),
            ("export.details.phone", field(|d| &d.phone)),
            ("export.details.gp", field(|d| &d.gp_name)),
            ("export.details.gp_phone", field(|d| &d.gp_phone)),
            ("export.details.pharmacy", field(|d| &d.pharmacy_name)),
            (
                "export.details.pharmacy_phone",
                field(|d| &d.pharmacy_phone),
            ),
            ("export.details.insurer", field(|d| &d.insurer)),
            (
                "export.details.insurance_number",
                field(|d| &d.insurance_number),
            ),
        ] {
            if let Some(value) = value {
                rows.push((self.t(key), value.to_owned()));
            }
        }
        out.both(|o| {
            o.section(&self.t("export.section.details"))?;
            o.facts(&rows)
        })
    }

    fn network(&self, out: &mut Out) -> io::Result<()> {
        let links = self.block(
            client_contact::Entity::find()
                .filter(client_contact::Column::ClientId.eq(self.client.id))
                .order_by_asc(client_contact::Column::CreatedAt)
                .all(&self.db),
        )?;
        let users: HashMap<Uuid, user::Model> = self
            .block(
                user::Entity::find()
                    .filter(user::Column::Id.is_in(links.iter().map(|link| link.user_id)))
                    .all(&self.db),
            )?
            .into_iter()
            .map(|user| (user.id, user))
            .collect();
        out.both(|o| o.section(&self.t("export.section.network")))?;
        for link in &links {
            let Some(person) = users.get(&link.user_id) else {
                continue;
            };
            let name = format!("{} {}", person.first_name, person.last_name);
            if link.relationship == Relationship::Client {
                // The client's own account is the Patient.
                out.people.insert(
                    person.id,
                    Person {
                        resource: self.client.id,
                        name,
                    },
                );
                continue;
            }
            let label = self.t(&format!(
                "export.relationship.{}",
                link.relationship.as_str()
            ));
            let ticks: Vec<(Permission, String)> = Permission::ALL
                .into_iter()
                .filter(|permission| link.has(*permission))
                .map(|permission| {
                    (
                        permission,
                        self.t(&format!("export.permission.{}", permission.as_str())),
                    )
                })
                .collect();
            out.fhir(fhir::related_person(
                link.id,
                self.client.id,
                &person.first_name,
                &person.last_name,
                Some((link.relationship, &label)),
                true,
            ))?;
            let labelled: Vec<(Permission, &str)> = ticks
                .iter()
                .map(|(p, label)| (*p, label.as_str()))
                .collect();
            out.fhir(fhir::consent(
                fhir::derived(link.id, "consent"),
                self.client.id,
                link.id,
                &labelled,
                link.responded_at.unwrap_or(link.created_at),
            ))?;
            let allowed = if ticks.is_empty() {
                self.t("export.network.nothing")
            } else {
                ticks
                    .iter()
                    .map(|(_, label)| label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let meta = if link.perm_settings {
                format!("{label} · {}", self.t("export.network.administrator"))
            } else {
                label.clone()
            };
            out.both(|o| o.item(&name, &meta, &allowed))?;
            out.people.insert(
                person.id,
                Person {
                    resource: link.id,
                    name,
                },
            );
        }
        Ok(())
    }

    fn care_team(&self, out: &mut Out) -> io::Result<()> {
        let members = self.block(
            care_team_member::Entity::find()
                .filter(care_team_member::Column::ClientId.eq(self.client.id))
                .order_by_asc(care_team_member::Column::CreatedAt)
                .all(&self.db),
        )?;
        let workers: HashMap<Uuid, user::Model> = self
            .block(
                user::Entity::find()
                    .filter(user::Column::Id.is_in(members.iter().map(|m| m.care_worker_id)))
                    .all(&self.db),
            )?
            .into_iter()
            .map(|user| (user.id, user))
            .collect();
        out.both(|o| o.section(&self.t("export.section.care_team")))?;
        let mut roles = Vec::new();
        let mut emitted = BTreeSet::new();
        for member in &members {
            let Some(worker) = workers.get(&member.care_worker_id) else {
                continue;
            };
            let label = self.t(&format!("export.care_role.{}", member.care_role.as_str()));
            let name = format!("{} {}", worker.first_name, worker.last_name);
            // Once per care worker, also one who is in the network too (their PractitionerRole
            // points at it).
            if emitted.insert(worker.id) {
                out.fhir(fhir::practitioner(
                    worker.id,
                    &worker.first_name,
                    &worker.last_name,
                ))?;
            }
            out.people.entry(worker.id).or_insert_with(|| Person {
                resource: worker.id,
                name: name.clone(),
            });
            out.fhir(fhir::practitioner_role(
                member.id,
                worker.id,
                self.organisation.id,
                member.care_role,
                &label,
            ))?;
            roles.push((member.id, label.clone()));
            out.both(|o| o.item(&name, &label, ""))?;
        }
        if members.is_empty() {
            out.both(|o| o.note(&self.t("export.empty")))?;
        }
        out.fhir(fhir::care_team(
            fhir::derived(self.client.id, "care-team"),
            self.client.id,
            self.organisation.id,
            &self.t_with(
                "export.care_team.name",
                &[("client", &self.client.first_name)],
            ),
            &roles,
        ))
    }

    fn dossier(&self, out: &mut Out) -> io::Result<()> {
        let system = fhir::ecd_system(&self.organisation.slug);
        for (kind, key) in [
            (DossierKind::Report, "export.section.reports"),
            (DossierKind::Note, "export.section.notes"),
            (DossierKind::Questionnaire, "export.section.questionnaires"),
            (DossierKind::CarePlan, "export.section.care_plans"),
        ] {
            out.both(|o| o.section(&self.t(key)))?;
            let mut in_range = Condition::all()
                .add(dossier_entry::Column::OccurredAt.gte(self.range.start))
                .add(dossier_entry::Column::OccurredAt.lt(self.range.end));
            if kind == DossierKind::CarePlan {
                // A care plan version in force during the months counts too.
                in_range = Condition::any().add(in_range).add(
                    Condition::all()
                        .add(
                            dossier_entry::Column::ValidFrom.lt(self
                                .range
                                .until
                                .next()
                                .first_day()),
                        )
                        .add(
                            Condition::any()
                                .add(dossier_entry::Column::ValidUntil.is_null())
                                .add(
                                    dossier_entry::Column::ValidUntil
                                        .gte(self.range.from.first_day()),
                                ),
                        ),
                );
            }
            let query = dossier_entry::Entity::find()
                .filter(dossier_entry::Column::ClientId.eq(self.client.id))
                .filter(dossier_entry::Column::Kind.eq(kind))
                .filter(dossier_entry::Column::RetractedAt.is_null())
                .filter(in_range)
                .order_by_asc(dossier_entry::Column::OccurredAt)
                .order_by_asc(dossier_entry::Column::Id);
            let mut pages = query.paginate(&self.db, PAGE);
            let mut any = false;
            while let Some(entries) = self
                .block(pages.fetch_and_next())?
                .filter(|entries| !entries.is_empty())
            {
                any = true;
                for entry in entries {
                    self.dossier_entry(out, &system, entry)?;
                }
            }
            if !any {
                out.both(|o| o.note(&self.t("export.empty")))?;
            }
        }
        Ok(())
    }

    fn dossier_entry(
        &self,
        out: &mut Out,
        system: &str,
        entry: dossier_entry::Model,
    ) -> io::Result<()> {
        let ecd = entry.external_id.as_deref().map(|id| (system, id));
        let author = entry.author_name.clone().unwrap_or_default();
        let meta = if author.is_empty() {
            self.when(entry.occurred_at)
        } else {
            format!("{} · {author}", self.when(entry.occurred_at))
        };
        let heading = match &entry.category {
            Some(category) if *category != entry.title => format!("{} ({category})", entry.title),
            _ => entry.title.clone(),
        };
        match entry.kind {
            DossierKind::Report | DossierKind::Note => {
                let author_ref = entry.author_user_id.map(|user| out.person(user));
                let kind = entry
                    .category
                    .clone()
                    .unwrap_or_else(|| self.t(&format!("export.kind.{}", entry.kind.as_str())));
                out.fhir(fhir::document(
                    entry.id,
                    self.client.id,
                    ecd,
                    &kind,
                    &entry.title,
                    entry.occurred_at,
                    Some((author_ref, &author)),
                    &entry.body,
                ))?;
                out.both(|o| o.item(&heading, &meta, &entry.body))
            }
            DossierKind::Questionnaire => {
                let answers: Vec<QuestionAnswer> =
                    serde_json::from_str(entry.content.as_deref().unwrap_or("[]"))
                        .unwrap_or_default();
                out.fhir(fhir::questionnaire_response(
                    entry.id,
                    self.client.id,
                    ecd,
                    &entry.title,
                    entry.occurred_at,
                    &answers,
                ))?;
                // The stored text may hold the answers already (it is what search reads).
                let mut body = entry.body.trim().to_owned();
                if !answers.iter().all(|answer| body.contains(&answer.question)) {
                    for answer in &answers {
                        body.push_str(&format!("\n\n{}\n{}", answer.question, answer.answer));
                    }
                }
                out.both(|o| o.item(&heading, &meta, &body))
            }
            DossierKind::CarePlan => {
                let goals: Vec<CarePlanGoal> =
                    serde_json::from_str(entry.content.as_deref().unwrap_or("[]"))
                        .unwrap_or_default();
                let mut goal_ids = Vec::new();
                let mut actions = Vec::new();
                let mut body = entry.body.trim().to_owned();
                for (index, goal) in goals.iter().enumerate() {
                    let id = fhir::derived(entry.id, &format!("goal-{index}"));
                    out.fhir(fhir::goal(
                        id,
                        self.client.id,
                        &goal.title,
                        goal.description.as_deref(),
                    ))?;
                    goal_ids.push(id);
                    body.push_str(&format!(
                        "\n\n{}: {}",
                        self.t("export.care_plan.goal"),
                        goal.title
                    ));
                    if let Some(description) = &goal.description {
                        body.push_str(&format!("\n{description}"));
                    }
                    for action in &goal.actions {
                        let mut line = action.description.clone();
                        for extra in [&action.frequency, &action.responsible]
                            .into_iter()
                            .flatten()
                        {
                            line.push_str(&format!(" · {extra}"));
                        }
                        body.push_str(&format!("\n- {line}"));
                        actions.push(line);
                    }
                }
                let today = crate::services::agenda::time::local(Utc::now()).date();
                let valid_from = entry.valid_from.unwrap_or(entry.occurred_at.date_naive());
                let in_force =
                    valid_from <= today && entry.valid_until.is_none_or(|until| until >= today);
                out.fhir(fhir::care_plan(
                    entry.id,
                    self.client.id,
                    ecd,
                    &entry.title,
                    &entry.body,
                    (valid_from, entry.valid_until),
                    in_force,
                    entry.occurred_at,
                    &goal_ids,
                    &actions,
                ))?;
                let validity = match entry.valid_until {
                    Some(until) => self.t_with(
                        "export.care_plan.valid_until",
                        &[
                            ("from", &super::long_date(self.language, valid_from)),
                            ("until", &super::long_date(self.language, until)),
                        ],
                    ),
                    None => self.t_with(
                        "export.care_plan.valid_from",
                        &[("from", &super::long_date(self.language, valid_from))],
                    ),
                };
                out.both(|o| o.item(&heading, &format!("{meta} · {validity}"), &body))
            }
        }
    }

    /// "Herhaalt elke week", from a series' RRULE (FREQ and INTERVAL; the rest is in the
    /// FHIR comment's rule).
    fn repeats(&self, rule: &str) -> String {
        let part = |name: &str| {
            rule.split(';')
                .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_owned)
        };
        let every = part("INTERVAL")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(1);
        let unit = match part("FREQ").as_deref() {
            Some("DAILY") => "day",
            Some("WEEKLY") => "week",
            Some("MONTHLY") => "month",
            Some("YEARLY") => "year",
            _ => return self.t("export.agenda.repeats"),
        };
        if every > 1 {
            self.t_with(
                &format!("export.agenda.every_n_{unit}s"),
                &[("n", &every.to_string())],
            )
        } else {
            self.t(&format!("export.agenda.every_{unit}"))
        }
    }

    fn agenda(&self, out: &mut Out) -> io::Result<()> {
        out.both(|o| o.section(&self.t("export.section.agenda_care")))?;
        let system = fhir::ecd_system(&self.organisation.slug);
        let mut any = false;
        let care_shown = self.organisation.agenda_care_shown;
        let mut care = care_appointment::Entity::find()
            .filter(care_appointment::Column::ClientId.eq(self.client.id))
            .filter(care_appointment::Column::RetractedAt.is_null())
            .filter(care_appointment::Column::StartsAt.gte(self.range.start))
            .filter(care_appointment::Column::StartsAt.lt(self.range.end))
            .order_by_asc(care_appointment::Column::StartsAt)
            .order_by_asc(care_appointment::Column::Id)
            .paginate(&self.db, PAGE);
        // The organisation may keep care appointments out of the portal (home care, Laurens).
        while let Some(rows) = if care_shown {
            self.block(care.fetch_and_next())?
        } else {
            None
        }
        .filter(|r| !r.is_empty())
        {
            any = true;
            for row in rows {
                let worker = row.care_worker_id.map(|id| out.person(id));
                out.fhir(fhir::appointment(
                    row.id,
                    self.client.id,
                    Some((system.as_str(), row.external_id.as_str())),
                    &row.title,
                    (row.starts_at, row.ends_at),
                    false,
                    false,
                    row.description.as_deref(),
                    worker,
                ))?;
                let mut meta = format!(
                    "{} · {}",
                    self.when(row.starts_at),
                    self.t("export.agenda.care")
                );
                if let Some(location) = &row.location {
                    meta.push_str(&format!(" · {location}"));
                }
                out.both(|o| o.item(&row.title, &meta, row.description.as_deref().unwrap_or("")))?;
            }
        }
        if !any {
            out.both(|o| o.note(&self.t("export.empty")))?;
        }
        out.both(|o| o.section(&self.t("export.section.agenda_own")))?;
        any = false;
        let mut own = own_appointment::Entity::find()
            .filter(own_appointment::Column::ClientId.eq(self.client.id))
            .filter(own_appointment::Column::DeletedAt.is_null())
            .filter(own_appointment::Column::StartsAt.lt(self.range.end))
            .filter(own_appointment::Column::SeriesEndsAt.gte(self.range.start))
            .order_by_asc(own_appointment::Column::StartsAt)
            .order_by_asc(own_appointment::Column::Id)
            .paginate(&self.db, PAGE);
        while let Some(rows) = self.block(own.fetch_and_next())?.filter(|r| !r.is_empty()) {
            any = true;
            for row in rows {
                let private = row.visibility == Visibility::Private
                    || self.organisation.agenda_always_private;
                let mut comment = row.description.clone().unwrap_or_default();
                if let Some(rule) = &row.rrule {
                    if !comment.is_empty() {
                        comment.push('\n');
                    }
                    comment.push_str(&self.repeats(rule));
                }
                out.fhir(fhir::appointment(
                    row.id,
                    self.client.id,
                    None,
                    &row.title,
                    (row.starts_at, row.ends_at),
                    row.cancelled,
                    private,
                    Some(comment.as_str()),
                    None,
                ))?;
                let mut meta = format!("{} · {}", self.when(row.starts_at), row.author_name);
                if private {
                    meta.push_str(&format!(" · {}", self.t("export.agenda.private")));
                }
                if row.cancelled {
                    meta.push_str(&format!(" · {}", self.t("export.agenda.cancelled")));
                }
                if let Some(location) = &row.location {
                    meta.push_str(&format!(" · {location}"));
                }
                out.both(|o| o.item(&row.title, &meta, &comment))?;
            }
        }
        if !any {
            out.both(|o| o.note(&self.t("export.empty")))?;
        }
        Ok(())
    }

    /// Copies a stored photo or document into the ZIP under `bestanden/`.
    fn file(&self, out: &mut Out, item: &media::Model) -> io::Result<FileRef> {
        let document = item.content_type == PDF;
        let extension = match item.content_type.as_str() {
            PDF => "pdf",
            "image/png" => "png",
            "image/webp" => "webp",
            _ => "jpg",
        };
        let path = format!("bestanden/{}.{extension}", item.id);
        let size = if document { Size::File } else { Size::Display };
        let bytes = self
            .handle
            .block_on(self.media.read(item, size))
            .map_err(io_error)?;
        // Photos and PDFs are compressed already.
        let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        if let Some(zip) = out.zip.as_mut() {
            zip.start_file(path.as_str(), stored).map_err(io_error)?;
            zip.write_all(&bytes)?;
        }
        Ok(FileRef {
            title: item
                .file_name
                .clone()
                .unwrap_or_else(|| format!("{}.{extension}", item.id)),
            content_type: item.content_type.clone(),
            size: bytes.len() as i64,
            path,
        })
    }

    fn attachments(
        &self,
        out: &mut Out,
        column: media::Column,
        owner: Uuid,
    ) -> io::Result<Vec<FileRef>> {
        if out.zip.is_none() {
            return Ok(Vec::new());
        }
        let items = self.block(
            media::Entity::find()
                .filter(column.eq(owner))
                .order_by_asc(media::Column::Position)
                .all(&self.db),
        )?;
        let mut refs = Vec::new();
        for item in &items {
            let file = self.file(out, item)?;
            let is_photo = item.content_type != PDF;
            let label = file.title.clone();
            let path = file.path.clone();
            out.both(|o| {
                if is_photo {
                    o.photo(&path, &label)
                } else {
                    o.file(&path, &label)
                }
            })?;
            refs.push(file);
        }
        Ok(refs)
    }

    fn messages(&self, out: &mut Out) -> io::Result<()> {
        out.both(|o| o.section(&self.t("export.section.messages")))?;
        // The conversations of the person exporting (the client's own when they export): as in
        // the portal, nobody sees others' conversations among themselves.
        let readers = vec![self.requested_by];
        let member_of: Vec<Uuid> = self
            .block(
                conversation_member::Entity::find()
                    .filter(conversation_member::Column::UserId.is_in(readers))
                    .all(&self.db),
            )?
            .into_iter()
            .map(|member| member.conversation_id)
            .collect();
        let conversations = self.block(
            conversation::Entity::find()
                .filter(conversation::Column::ClientId.eq(self.client.id))
                .filter(conversation::Column::Id.is_in(member_of))
                .filter(conversation::Column::LastMessageAt.gte(self.range.start))
                .filter(conversation::Column::CreatedAt.lt(self.range.end))
                .order_by_asc(conversation::Column::CreatedAt)
                .all(&self.db),
        )?;
        let mut names: HashMap<Uuid, String> = HashMap::new();
        let mut any = false;
        for conversation in conversations {
            let members: Vec<Uuid> = self
                .block(
                    conversation_member::Entity::find()
                        .filter(conversation_member::Column::ConversationId.eq(conversation.id))
                        .all(&self.db),
                )?
                .into_iter()
                .map(|member| member.user_id)
                .collect();
            self.load_names(out, &mut names, &members)?;
            let mut pages = message::Entity::find()
                .filter(message::Column::ConversationId.eq(conversation.id))
                .filter(message::Column::CreatedAt.gte(self.range.start))
                .filter(message::Column::CreatedAt.lt(self.range.end))
                .order_by_asc(message::Column::CreatedAt)
                .order_by_asc(message::Column::Id)
                .paginate(&self.db, PAGE);
            let mut previous: Option<Uuid> = None;
            while let Some(rows) = self
                .block(pages.fetch_and_next())?
                .filter(|r| !r.is_empty())
            {
                any = true;
                for row in rows {
                    let author = out.name(row.author_id, &names);
                    let meta = format!("{} · {author}", self.when(row.created_at));
                    let heading = conversation.subject.clone();
                    out.both(|o| o.item(&heading, &meta, &row.body))?;
                    let attached = self.attachments(out, media::Column::MessageId, row.id)?;
                    let sender = out.person(row.author_id);
                    let recipients: Vec<Uuid> = members
                        .iter()
                        .filter(|member| **member != row.author_id)
                        .map(|member| out.person(*member))
                        .collect();
                    let system = fhir::ecd_system(&self.organisation.slug);
                    out.fhir(fhir::communication(
                        row.id,
                        self.client.id,
                        row.external_id.as_deref().map(|id| (system.as_str(), id)),
                        "message",
                        Some(&conversation.subject),
                        row.created_at,
                        Some(sender),
                        &recipients,
                        &row.body,
                        &attached,
                        previous,
                    ))?;
                    previous = Some(row.id);
                }
            }
        }
        if !any {
            out.both(|o| o.note(&self.t("export.empty")))?;
        }
        Ok(())
    }

    /// Remembers the names of `users` for the overview.
    fn load_names(
        &self,
        out: &Out,
        names: &mut HashMap<Uuid, String>,
        users: &[Uuid],
    ) -> io::Result<()> {
        let unknown: Vec<Uuid> = users
            .iter()
            .filter(|user| !names.contains_key(user) && !out.people.contains_key(user))
            .copied()
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        for person in self.block(
            user::Entity::find()
                .filter(user::Column::Id.is_in(unknown))
                .all(&self.db),
        )? {
            names.insert(
                person.id,
                format!("{} {}", person.first_name, person.last_name),
            );
        }
        Ok(())
    }

    fn pinboard(&self, out: &mut Out) -> io::Result<()> {
        out.both(|o| o.section(&self.t("export.section.pinboard")))?;
        let mut names: HashMap<Uuid, String> = HashMap::new();
        let mut pages = pinboard_post::Entity::find()
            .filter(pinboard_post::Column::ClientId.eq(self.client.id))
            .filter(pinboard_post::Column::CreatedAt.gte(self.range.start))
            .filter(pinboard_post::Column::CreatedAt.lt(self.range.end))
            .order_by_asc(pinboard_post::Column::CreatedAt)
            .order_by_asc(pinboard_post::Column::Id)
            .paginate(&self.db, PAGE);
        let mut any = false;
        while let Some(posts) = self
            .block(pages.fetch_and_next())?
            .filter(|r| !r.is_empty())
        {
            any = true;
            let replies = self.block(
                pinboard_reply::Entity::find()
                    .filter(pinboard_reply::Column::PostId.is_in(posts.iter().map(|p| p.id)))
                    .order_by_asc(pinboard_reply::Column::CreatedAt)
                    .all(&self.db),
            )?;
            let authors: Vec<Uuid> = posts
                .iter()
                .map(|post| post.author_id)
                .chain(replies.iter().map(|reply| reply.author_id))
                .collect();
            self.load_names(out, &mut names, &authors)?;
            for post in posts {
                let author = out.name(post.author_id, &names);
                let mut meta = format!("{} · {author}", self.when(post.created_at));
                if let Some(mood) = &post.mood {
                    meta.push_str(&format!(" · {}", self.t(&format!("export.mood.{mood}"))));
                }
                out.both(|o| o.item(&self.t("export.pinboard.post"), &meta, &post.body))?;
                let photos = self.attachments(out, media::Column::PostId, post.id)?;
                let sender = out.person(post.author_id);
                out.fhir(fhir::communication(
                    post.id,
                    self.client.id,
                    None,
                    "pinboard",
                    None,
                    post.created_at,
                    Some(sender),
                    &[],
                    &post.body,
                    &photos,
                    None,
                ))?;
                for reply in replies.iter().filter(|reply| reply.post_id == post.id) {
                    let author = out.name(reply.author_id, &names);
                    let meta = format!("{} · {author}", self.when(reply.created_at));
                    out.both(|o| o.item(&self.t("export.pinboard.reply"), &meta, &reply.body))?;
                    let sender = out.person(reply.author_id);
                    out.fhir(fhir::communication(
                        reply.id,
                        self.client.id,
                        None,
                        "pinboard",
                        None,
                        reply.created_at,
                        Some(sender),
                        &[],
                        &reply.body,
                        &[],
                        Some(post.id),
                    ))?;
                }
            }
        }
        if !any {
            out.both(|o| o.note(&self.t("export.empty")))?;
        }
        Ok(())
    }

    /// People referenced who are no longer in the network or the team: a RelatedPerson or a
    /// Practitioner with their name, so every reference resolves.
    fn former_people(&self, out: &mut Out) -> io::Result<()> {
        let missing: Vec<Uuid> = std::mem::take(&mut out.missing)
            .into_iter()
            .filter(|user| !out.people.contains_key(user))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let found: HashMap<Uuid, user::Model> = self
            .block(
                user::Entity::find()
                    .filter(user::Column::Id.is_in(missing.clone()))
                    .all(&self.db),
            )?
            .into_iter()
            .map(|user| (user.id, user))
            .collect();
        for id in missing {
            let (first, last, kind) = match found.get(&id) {
                Some(user) => (user.first_name.as_str(), user.last_name.as_str(), user.kind),
                None => ("", "?", AccountKind::Person),
            };
            let resource = if kind == AccountKind::CareWorker {
                fhir::practitioner(id, first, last)
            } else {
                fhir::related_person(id, self.client.id, first, last, None, false)
            };
            out.fhir(resource)?;
        }
        Ok(())
    }
}
