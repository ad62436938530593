//! Dossier entries from the ECD: reports, questionnaires and care plans.

use super::*;

/// What a dossier entry holds, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryValues {
    pub kind: DossierKind,
    pub occurred_at: chrono::DateTime<Utc>,
    pub title: String,
    pub category: Option<String>,
    pub author_name: Option<String>,
    pub body: String,
    pub content: Option<String>,
    pub valid_from: Option<chrono::NaiveDate>,
    pub valid_until: Option<chrono::NaiveDate>,
}

pub(super) fn report_values(data: &ReportUpsert) -> Result<EntryValues, ApiError> {
    let mut checks = Checks::default();
    let category = checks.text("category", &data.category, 100);
    let author = checks.text("author", &data.author, 200);
    let text = checks.text("text", &data.text, 20_000);
    checks.done()?;
    Ok(EntryValues {
        kind: DossierKind::Report,
        occurred_at: whole_seconds(data.written_at),
        title: category.clone(),
        category: Some(category),
        author_name: Some(author),
        body: text,
        content: None,
        valid_from: None,
        valid_until: None,
    })
}

pub(super) fn questionnaire_values(data: &QuestionnaireUpsert) -> Result<EntryValues, ApiError> {
    let mut checks = Checks::default();
    let title = checks.text("title", &data.title, 200);
    let author = checks.optional("author", data.author.as_deref(), 200);
    if data.answers.is_empty() {
        checks.fail("answers", "required");
    }
    let mut answers = Vec::with_capacity(data.answers.len());
    for (index, answer) in data.answers.iter().enumerate() {
        answers.push(kring_shared::dossier::QuestionAnswer {
            question: checks.text(format!("answers[{index}].question"), &answer.question, 1000),
            answer: answer.answer.trim().to_owned(),
        });
        if answer.answer.chars().count() > 4000 {
            checks.fail(format!("answers[{index}].answer"), "too_long");
        }
    }
    checks.done()?;
    let body = answers
        .iter()
        .map(|answer| format!("{} {}", answer.question, answer.answer))
        .collect::<Vec<_>>()
        .join(" · ");
    Ok(EntryValues {
        kind: DossierKind::Questionnaire,
        occurred_at: whole_seconds(data.completed_at),
        title,
        category: None,
        author_name: author,
        body,
        content: Some(serde_json::to_string(&answers).map_err(anyhow::Error::new)?),
        valid_from: None,
        valid_until: None,
    })
}

pub(super) fn care_plan_values(data: &CarePlanUpsert) -> Result<EntryValues, ApiError> {
    let mut checks = Checks::default();
    let title = checks.text("title", &data.title, 200);
    let author = checks.optional("author", data.author.as_deref(), 200);
    let summary = checks
        .optional("summary", data.summary.as_deref(), 4000)
        .unwrap_or_default();
    if data
        .valid_until
        .is_some_and(|until| until < data.valid_from)
    {
        checks.fail("valid_until", "before_valid_from");
    }
    if data.goals.is_empty() {
        checks.fail("goals", "required");
    }
    let mut goals = Vec::with_capacity(data.goals.len());
    for (index, goal) in data.goals.iter().enumerate() {
        let mut actions = Vec::with_capacity(goal.actions.len());
        for (number, action) in goal.actions.iter().enumerate() {
            let at = format!("goals[{index}].actions[{number}]");
            actions.push(kring_shared::dossier::CarePlanAction {
                description: checks.text(format!("{at}.description"), &action.description, 1000),
                frequency: checks.optional(
                    format!("{at}.frequency"),
                    action.frequency.as_deref(),
                    200,
                ),
                responsible: checks.optional(
                    format!("{at}.responsible"),
                    action.responsible.as_deref(),
                    200,
                ),
            });
        }
        goals.push(kring_shared::dossier::CarePlanGoal {
            title: checks.text(format!("goals[{index}].title"), &goal.title, 300),
            description: checks.optional(
                format!("goals[{index}].description"),
                goal.description.as_deref(),
                4000,
            ),
            actions,
        });
    }
    checks.done()?;
    let body = if summary.is_empty() {
        goals
            .iter()
            .map(|goal| goal.title.clone())
            .collect::<Vec<_>>()
            .join(" · ")
    } else {
        summary
    };
    Ok(EntryValues {
        kind: DossierKind::CarePlan,
        occurred_at: whole_seconds(data.established_at),
        title,
        category: None,
        author_name: author,
        body,
        content: Some(serde_json::to_string(&goals).map_err(anyhow::Error::new)?),
        valid_from: Some(data.valid_from),
        valid_until: data.valid_until,
    })
}

pub(super) fn same_values(entry: &dossier_entry::Model, values: &EntryValues) -> bool {
    entry.retracted_at.is_none()
        && entry.occurred_at == values.occurred_at
        && entry.title == values.title
        && entry.category == values.category
        && entry.author_name == values.author_name
        && entry.body == values.body
        && entry.content == values.content
        && entry.valid_from == values.valid_from
        && entry.valid_until == values.valid_until
}

/// Creates or updates the entry with this ECD id under the client; a retracted entry sent
/// again comes back.
pub async fn upsert_entry(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    external_id: &str,
    values: EntryValues,
    events: &mut Vec<crate::events::LiveEvent>,
) -> Result<UpsertOutcome, ApiError> {
    let mut checks = Checks::default();
    checks.id("id", external_id);
    checks.done()?;
    let client = client_by_external_id(txn, organisation, client_external_id).await?;
    let existing = dossier_entry::Entity::find()
        .filter(dossier_entry::Column::OrganisationId.eq(organisation.id))
        .filter(dossier_entry::Column::Kind.eq(values.kind))
        .filter(dossier_entry::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?;
    let now = Utc::now();
    let kind = values.kind;
    match existing {
        Some(entry) if entry.client_id != client.id => {
            Err(ApiError::invalid("id", "belongs_to_another_client"))
        }
        Some(entry) if same_values(&entry, &values) => {
            Ok(outcome(entry.id, external_id, UpsertResult::Unchanged))
        }
        Some(entry) => {
            let id = entry.id;
            let was_retracted = entry.retracted_at.is_some();
            let mut active: dossier_entry::ActiveModel = entry.into();
            active.occurred_at = Set(values.occurred_at);
            active.title = Set(values.title);
            active.category = Set(values.category);
            active.author_name = Set(values.author_name);
            active.body = Set(values.body);
            active.content = Set(values.content);
            active.valid_from = Set(values.valid_from);
            active.valid_until = Set(values.valid_until);
            active.updated_at = Set(now);
            active.retracted_at = Set(None);
            active.update(txn).await?;
            events.push(
                DossierEvent {
                    client_id: client.id,
                    entry_id: id,
                    kind,
                    change: if was_retracted {
                        EntryChange::Added
                    } else {
                        EntryChange::Updated
                    },
                }
                .into(),
            );
            Ok(outcome(id, external_id, UpsertResult::Updated))
        }
        None => {
            let entry = dossier_entry::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(organisation.id),
                client_id: Set(client.id),
                kind: Set(kind),
                external_id: Set(Some(external_id.to_owned())),
                occurred_at: Set(values.occurred_at),
                title: Set(values.title),
                category: Set(values.category),
                author_name: Set(values.author_name),
                author_user_id: Set(None),
                body: Set(values.body),
                content: Set(values.content),
                valid_from: Set(values.valid_from),
                valid_until: Set(values.valid_until),
                created_at: Set(now),
                updated_at: Set(now),
                retracted_at: Set(None),
            }
            .insert(txn)
            .await?;
            if kind == DossierKind::CarePlan {
                notify_care_plan(txn, organisation, &client, entry.id).await?;
            }
            events.push(
                DossierEvent {
                    client_id: client.id,
                    entry_id: entry.id,
                    kind,
                    change: EntryChange::Added,
                }
                .into(),
            );
            Ok(outcome(entry.id, external_id, UpsertResult::Created))
        }
    }
}

/// A new care plan version goes under *Meldingen* of everyone who may read the dossier.
pub(super) async fn notify_care_plan(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client: &client::Model,
    entry_id: Uuid,
) -> Result<(), ApiError> {
    if !panel_enabled(organisation, kring_shared::PanelKind::Dossier) {
        return Ok(());
    }
    let readers = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client.id))
        .filter(client_contact::Column::PermDossier.eq(true))
        .filter(client_contact::Column::InvitationState.eq(InvitationState::Accepted))
        .all(txn)
        .await?;
    for reader in readers {
        notifications::notify(
            txn,
            reader.user_id,
            NewNotification {
                kind: kring_shared::contacts::NotificationKind::CarePlan,
                client_id: Some(client.id),
                contact_id: None,
                from_user_id: None,
                entry_id: Some(entry_id),
            },
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn retract_entry(
    txn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    client_external_id: &str,
    kind: DossierKind,
    external_id: &str,
    events: &mut Vec<crate::events::LiveEvent>,
) -> Result<UpsertOutcome, ApiError> {
    let client = client_by_external_id(txn, organisation, client_external_id)
        .await
        .map_err(|_| ApiError::NotFound)?;
    let entry = dossier_entry::Entity::find()
        .filter(dossier_entry::Column::ClientId.eq(client.id))
        .filter(dossier_entry::Column::Kind.eq(kind))
        .filter(dossier_entry::Column::ExternalId.eq(external_id))
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let id = entry.id;
    if entry.retracted_at.is_none() {
        let mut active: dossier_entry::ActiveModel = entry.into();
        active.retracted_at = Set(Some(Utc::now()));
        active.update(txn).await?;
        events.push(
            DossierEvent {
                client_id: client.id,
                entry_id: id,
                kind,
                change: EntryChange::Retracted,
            }
            .into(),
        );
    }
    Ok(outcome(id, external_id, UpsertResult::Removed))
}
