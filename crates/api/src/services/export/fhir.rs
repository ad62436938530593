//! The export's data as FHIR R4 resources, and the Bundle (`type: collection`) they are streamed
//! into. Every resource's id is Kring's own id (or one derived from it with UUID v5, so two
//! exports of the same data agree), its `fullUrl` is `urn:uuid:<id>`, references point at those
//! `fullUrl`s, and the ECD's ids are kept as identifiers.

use std::io::{self, Write};

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use kring_shared::{
    admin::CareRole, dossier::QuestionAnswer, me::Relationship, permission::Permission,
};
use serde_json::{Value, json};
use uuid::Uuid;

/// The system of the ECD's ids of an organisation.
pub fn ecd_system(organisation_slug: &str) -> String {
    format!("urn:kring:ecd:{organisation_slug}")
}

/// The system of Kring's own ids.
const KRING_SYSTEM: &str = "urn:ietf:rfc:3986";

/// A reference to the resource with `id`.
pub fn reference(id: Uuid) -> Value {
    json!({ "reference": format!("urn:uuid:{id}") })
}

/// A reference with a display name.
pub fn reference_named(id: Uuid, display: &str) -> Value {
    json!({ "reference": format!("urn:uuid:{id}"), "display": display })
}

/// An id derived from `id` for a resource that has no row of its own (a Consent per contact,
/// the GP's Organization, …): the same every time.
pub fn derived(id: Uuid, what: &str) -> Uuid {
    Uuid::new_v5(&id, what.as_bytes())
}

fn identifiers(id: Uuid, ecd: Option<(&str, &str)>) -> Value {
    let mut list = vec![json!({ "system": KRING_SYSTEM, "value": format!("urn:uuid:{id}") })];
    if let Some((system, value)) = ecd.filter(|(_, value)| !value.trim().is_empty()) {
        list.push(json!({ "use": "secondary", "system": system, "value": value }));
    }
    Value::Array(list)
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A FHIR string may not be empty: `None` for blank text.
fn text(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|value| !value.is_empty())
}

/// Streams a Bundle: the opening, one entry per call, the closing.
pub struct BundleWriter<W: Write> {
    out: W,
    first: bool,
    pub count: usize,
}

impl<W: Write> BundleWriter<W> {
    pub fn new(mut out: W, id: Uuid, timestamp: DateTime<Utc>) -> io::Result<BundleWriter<W>> {
        write!(
            out,
            "{{\"resourceType\":\"Bundle\",\"id\":\"{id}\",\"meta\":{{\"lastUpdated\":\"{at}\"}},\
             \"identifier\":{{\"system\":\"{KRING_SYSTEM}\",\"value\":\"urn:uuid:{id}\"}},\
             \"type\":\"collection\",\"timestamp\":\"{at}\",\"entry\":[",
            at = instant(timestamp)
        )?;
        Ok(BundleWriter {
            out,
            first: true,
            count: 0,
        })
    }

    /// Adds `resource` (which has its `id`).
    pub fn add(&mut self, resource: Value) -> io::Result<()> {
        let id = resource["id"].as_str().unwrap_or_default().to_owned();
        if !self.first {
            self.out.write_all(b",\n")?;
        }
        self.first = false;
        self.count += 1;
        serde_json::to_writer(
            &mut self.out,
            &json!({ "fullUrl": format!("urn:uuid:{id}"), "resource": resource }),
        )?;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(b"]}\n")?;
        Ok(self.out)
    }
}

/// The client.
pub struct PatientData<'a> {
    pub id: Uuid,
    pub ecd: Option<(&'a str, &'a str)>,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub birth_date: Option<NaiveDate>,
    pub street: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub city: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub organisation: Uuid,
    pub general_practitioner: Option<Uuid>,
    pub active: bool,
}

pub fn patient(data: &PatientData) -> Value {
    let mut patient = json!({
        "resourceType": "Patient",
        "id": data.id.to_string(),
        "identifier": identifiers(data.id, data.ecd),
        "active": data.active,
        "name": [human_name(data.first_name, data.last_name)],
        "managingOrganization": reference(data.organisation),
    });
    if let Some(birth_date) = data.birth_date {
        patient["birthDate"] = json!(birth_date.to_string());
    }
    if let Some(phone) = data.phone.and_then(text) {
        patient["telecom"] = json!([{ "system": "phone", "value": phone }]);
    }
    let mut address = serde_json::Map::new();
    if let Some(street) = data.street.and_then(text) {
        address.insert("line".into(), json!([street]));
    }
    if let Some(code) = data.postal_code.and_then(text) {
        address.insert("postalCode".into(), json!(code));
    }
    if let Some(city) = data.city.and_then(text) {
        address.insert("city".into(), json!(city));
    }
    if !address.is_empty() {
        address.insert("country".into(), json!("NL"));
        patient["address"] = json!([address]);
    }
    if let Some(gp) = data.general_practitioner {
        patient["generalPractitioner"] = json!([reference(gp)]);
    }
    patient
}

fn human_name(first: &str, last: &str) -> Value {
    let full = format!("{first} {last}");
    let mut name = json!({ "text": text(&full).unwrap_or("?") });
    if let Some(last) = text(last) {
        name["family"] = json!(last);
    }
    if let Some(first) = text(first) {
        name["given"] = json!([first]);
    }
    name
}

/// An organisation: the care organisation, the GP's practice, the pharmacy, the insurer.
pub fn organisation(id: Uuid, name: &str, kind: Option<&str>, phone: Option<&str>) -> Value {
    let mut organisation = json!({
        "resourceType": "Organization",
        "id": id.to_string(),
        "active": true,
        "name": text(name).unwrap_or("?"),
    });
    if let Some(kind) = kind.and_then(text) {
        organisation["type"] = json!([{ "text": kind }]);
    }
    if let Some(phone) = phone.and_then(text) {
        organisation["telecom"] = json!([{ "system": "phone", "value": phone }]);
    }
    organisation
}

/// The insurance.
pub fn coverage(id: Uuid, patient: Uuid, insurer: Uuid, number: Option<&str>) -> Value {
    let mut coverage = json!({
        "resourceType": "Coverage",
        "id": id.to_string(),
        "status": "active",
        "beneficiary": reference(patient),
        "payor": [reference(insurer)],
    });
    if let Some(number) = number.and_then(text) {
        coverage["subscriberId"] = json!(number);
        coverage["identifier"] = json!([{ "value": number }]);
    }
    coverage
}

/// The v3 RoleCode of a relationship (none for "other").
fn role_code(relationship: Relationship) -> Option<&'static str> {
    Some(match relationship {
        Relationship::Client => "ONESELF",
        Relationship::Child => "CHILD",
        Relationship::Grandchild => "GRNDCHILD",
        Relationship::Partner => "SIGOTHR",
        Relationship::Sibling => "SIB",
        Relationship::Parent => "PRN",
        Relationship::Family => "FAMMEM",
        Relationship::Friend => "FRND",
        Relationship::Mentor | Relationship::LegalRepresentative => "GUARD",
        Relationship::Curator => "POWATT",
        Relationship::Other => return None,
    })
}

/// A person of the network. `relationship` is `None` for someone no longer in it (a former
/// contact who wrote a message in the exported months).
pub fn related_person(
    id: Uuid,
    patient: Uuid,
    first: &str,
    last: &str,
    relationship: Option<(Relationship, &str)>,
    active: bool,
) -> Value {
    let mut person = json!({
        "resourceType": "RelatedPerson",
        "id": id.to_string(),
        "identifier": identifiers(id, None),
        "active": active,
        "patient": reference(patient),
        "name": [human_name(first, last)],
    });
    if let Some((relationship, label)) = relationship {
        let mut concept = json!({ "text": label });
        if let Some(code) = role_code(relationship) {
            concept["coding"] = json!([{
                "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                "code": code,
            }]);
        }
        person["relationship"] = json!([concept]);
    }
    person
}

/// A contact's ticks as a Consent: what the client (or their administrator) let them see.
pub fn consent(
    id: Uuid,
    patient: Uuid,
    person: Uuid,
    permissions: &[(Permission, &str)],
    since: DateTime<Utc>,
) -> Value {
    let actions: Vec<Value> = permissions
        .iter()
        .map(|(permission, label)| {
            json!({
                "coding": [{ "system": "urn:kring:permission", "code": permission.as_str() }],
                "text": label,
            })
        })
        .collect();
    let mut provision = json!({
        "type": "permit",
        "actor": [{
            "role": { "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                "code": "IRCP",
            }]},
            "reference": reference(person),
        }],
    });
    if !actions.is_empty() {
        provision["action"] = Value::Array(actions);
    }
    json!({
        "resourceType": "Consent",
        "id": id.to_string(),
        "status": "active",
        "scope": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "patient-privacy",
        }]},
        "category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0" }] }],
        "patient": reference(patient),
        "dateTime": instant(since),
        "policyRule": { "text": "Kring: toegang tot het cliëntportaal" },
        "provision": provision,
    })
}

/// A care worker.
pub fn practitioner(id: Uuid, first: &str, last: &str) -> Value {
    json!({
        "resourceType": "Practitioner",
        "id": id.to_string(),
        "identifier": identifiers(id, None),
        "active": true,
        "name": [human_name(first, last)],
    })
}

/// A care worker's role in the client's team, for the organisation.
pub fn practitioner_role(
    id: Uuid,
    practitioner: Uuid,
    organisation: Uuid,
    role: CareRole,
    label: &str,
) -> Value {
    json!({
        "resourceType": "PractitionerRole",
        "id": id.to_string(),
        "active": true,
        "practitioner": reference(practitioner),
        "organization": reference(organisation),
        "code": [{
            "coding": [{ "system": "urn:kring:care-role", "code": role.as_str() }],
            "text": label,
        }],
    })
}

/// The care team.
pub fn care_team(
    id: Uuid,
    patient: Uuid,
    organisation: Uuid,
    name: &str,
    members: &[(Uuid, String)],
) -> Value {
    let participants: Vec<Value> = members
        .iter()
        .map(|(role, label)| json!({ "role": [{ "text": label }], "member": reference(*role) }))
        .collect();
    let mut team = json!({
        "resourceType": "CareTeam",
        "id": id.to_string(),
        "status": "active",
        "name": name,
        "subject": reference(patient),
        "managingOrganization": [reference(organisation)],
    });
    if !participants.is_empty() {
        team["participant"] = Value::Array(participants);
    }
    team
}

/// A report or note as a DocumentReference with its text as a plain-text attachment.
#[allow(clippy::too_many_arguments)]
pub fn document(
    id: Uuid,
    patient: Uuid,
    ecd: Option<(&str, &str)>,
    kind: &str,
    title: &str,
    at: DateTime<Utc>,
    author: Option<(Option<Uuid>, &str)>,
    body: &str,
) -> Value {
    let mut document = json!({
        "resourceType": "DocumentReference",
        "id": id.to_string(),
        "identifier": identifiers(id, ecd),
        "status": "current",
        "type": { "text": text(kind).unwrap_or("Document") },
        "subject": reference(patient),
        "date": instant(at),
        "content": [{ "attachment": {
            "contentType": "text/plain; charset=utf-8",
            "language": "nl",
            // FHIR has no empty values: a blank text is a single space.
            "data": base64::engine::general_purpose::STANDARD
                .encode(text(body).unwrap_or(" ").as_bytes()),
            "title": text(title).or(text(kind)).unwrap_or("Document"),
            "creation": instant(at),
        }}],
    });
    if let Some(title) = text(title) {
        document["description"] = json!(title);
    }
    if let Some((Some(author), name)) = author {
        document["author"] = json!([reference_named(author, name)]);
    }
    document
}

/// A questionnaire's answers.
pub fn questionnaire_response(
    id: Uuid,
    patient: Uuid,
    ecd: Option<(&str, &str)>,
    title: &str,
    at: DateTime<Utc>,
    answers: &[QuestionAnswer],
) -> Value {
    let items: Vec<Value> = answers
        .iter()
        .enumerate()
        .filter_map(|(index, answer)| {
            let mut item = json!({
                "linkId": format!("{}", index + 1),
                "text": text(&answer.question)?,
            });
            if let Some(value) = text(&answer.answer) {
                item["answer"] = json!([{ "valueString": value }]);
            }
            Some(item)
        })
        .collect();
    let mut group = json!({ "linkId": "0", "text": text(title).unwrap_or("Vragenlijst") });
    if !items.is_empty() {
        group["item"] = Value::Array(items);
    }
    let mut response = json!({
        "resourceType": "QuestionnaireResponse",
        "id": id.to_string(),
        "status": "completed",
        "subject": reference(patient),
        "authored": instant(at),
        "item": [group],
    });
    if let Some((system, value)) = ecd.filter(|(_, value)| text(value).is_some()) {
        response["identifier"] = json!({ "system": system, "value": value });
    }
    response
}

/// A goal of a care plan version.
pub fn goal(id: Uuid, patient: Uuid, title: &str, description: Option<&str>) -> Value {
    let mut goal = json!({
        "resourceType": "Goal",
        "id": id.to_string(),
        "lifecycleStatus": "active",
        "description": { "text": text(title).unwrap_or("Doel") },
        "subject": reference(patient),
    });
    if let Some(description) = description.and_then(text) {
        goal["note"] = json!([{ "text": description }]);
    }
    goal
}

/// One version of the care plan with its goals and actions.
#[allow(clippy::too_many_arguments)]
pub fn care_plan(
    id: Uuid,
    patient: Uuid,
    ecd: Option<(&str, &str)>,
    title: &str,
    text_body: &str,
    valid: (NaiveDate, Option<NaiveDate>),
    in_force: bool,
    created: DateTime<Utc>,
    goals: &[Uuid],
    actions: &[String],
) -> Value {
    let mut period = json!({ "start": valid.0.to_string() });
    if let Some(until) = valid.1 {
        period["end"] = json!(until.to_string());
    }
    let mut plan = json!({
        "resourceType": "CarePlan",
        "id": id.to_string(),
        "identifier": identifiers(id, ecd),
        "status": if in_force { "active" } else { "completed" },
        "intent": "plan",
        "title": text(title).unwrap_or("Zorgplan"),
        "subject": reference(patient),
        "period": period,
        "created": instant(created),
    });
    if let Some(description) = text(text_body) {
        plan["description"] = json!(description);
    }
    if !goals.is_empty() {
        plan["goal"] = goals.iter().map(|goal| reference(*goal)).collect();
    }
    let activities: Vec<Value> = actions
        .iter()
        .filter_map(|action| text(action))
        .map(|action| json!({ "detail": { "status": "in-progress", "description": action } }))
        .collect();
    if !activities.is_empty() {
        plan["activity"] = Value::Array(activities);
    }
    plan
}

/// An appointment; a private own appointment is marked restricted (`meta.security` R).
#[allow(clippy::too_many_arguments)]
pub fn appointment(
    id: Uuid,
    patient: Uuid,
    ecd: Option<(&str, &str)>,
    title: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    cancelled: bool,
    private: bool,
    comment: Option<&str>,
    practitioner: Option<Uuid>,
) -> Value {
    let mut participants = vec![json!({ "actor": reference(patient), "status": "accepted" })];
    if let Some(practitioner) = practitioner {
        participants.push(json!({ "actor": reference(practitioner), "status": "accepted" }));
    }
    let mut appointment = json!({
        "resourceType": "Appointment",
        "id": id.to_string(),
        "identifier": identifiers(id, ecd),
        "status": if cancelled { "cancelled" } else { "booked" },
        "description": text(title).unwrap_or("Afspraak"),
        "start": instant(start),
        "end": instant(end.max(start)),
        "participant": participants,
    });
    if let Some(comment) = comment.and_then(text) {
        appointment["comment"] = json!(comment);
    }
    if private {
        appointment["meta"] = json!({ "security": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
            "code": "R",
            "display": "restricted",
        }]});
    }
    appointment
}

/// A file in the ZIP, as a FHIR Attachment.
pub struct FileRef {
    pub path: String,
    pub content_type: String,
    pub title: String,
    pub size: i64,
}

/// A message or pinboard post (`category` `message` or `pinboard`).
#[allow(clippy::too_many_arguments)]
pub fn communication(
    id: Uuid,
    patient: Uuid,
    ecd: Option<(&str, &str)>,
    category: &str,
    topic: Option<&str>,
    sent: DateTime<Utc>,
    sender: Option<Uuid>,
    recipients: &[Uuid],
    body: &str,
    files: &[FileRef],
    in_response_to: Option<Uuid>,
) -> Value {
    let mut payload: Vec<Value> = Vec::new();
    if let Some(body) = text(body) {
        payload.push(json!({ "contentString": body }));
    }
    for file in files {
        payload.push(json!({ "contentAttachment": {
            "contentType": text(&file.content_type).unwrap_or("application/octet-stream"),
            "url": file.path,
            "title": text(&file.title).unwrap_or("bestand"),
            "size": file.size.max(0),
        }}));
    }
    let mut communication = json!({
        "resourceType": "Communication",
        "id": id.to_string(),
        "identifier": identifiers(id, ecd),
        "status": "completed",
        "category": [{ "coding": [{ "system": "urn:kring:communication", "code": category }] }],
        "subject": reference(patient),
        "sent": instant(sent),
    });
    if !payload.is_empty() {
        communication["payload"] = Value::Array(payload);
    }
    if let Some(topic) = topic.and_then(text) {
        communication["topic"] = json!({ "text": topic });
    }
    if let Some(sender) = sender {
        communication["sender"] = reference(sender);
    }
    if !recipients.is_empty() {
        communication["recipient"] = recipients.iter().map(|id| reference(*id)).collect();
    }
    if let Some(to) = in_response_to {
        communication["inResponseTo"] = json!([reference(to)]);
    }
    communication
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_is_json_with_one_entry_per_resource() {
        let patient = Uuid::new_v4();
        let mut bundle = BundleWriter::new(Vec::new(), Uuid::new_v4(), Utc::now()).unwrap();
        bundle
            .add(goal(Uuid::new_v4(), patient, "Zelf eten", None))
            .unwrap();
        bundle
            .add(goal(Uuid::new_v4(), patient, "Wandelen", Some("Elke dag")))
            .unwrap();
        let out: Value = serde_json::from_slice(&bundle.finish().unwrap()).unwrap();
        assert_eq!(out["entry"].as_array().unwrap().len(), 2);
        let url = out["entry"][0]["fullUrl"].as_str().unwrap();
        assert_eq!(
            url,
            format!(
                "urn:uuid:{}",
                out["entry"][0]["resource"]["id"].as_str().unwrap()
            )
        );
    }

    #[test]
    fn derived_ids_are_stable() {
        let id = Uuid::new_v4();
        assert_eq!(derived(id, "consent"), derived(id, "consent"));
        assert_ne!(derived(id, "consent"), derived(id, "gp"));
    }
}
