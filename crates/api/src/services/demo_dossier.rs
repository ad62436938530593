//! What the demo's ECD sends: three clients with their GP, pharmacy and insurance, the care
//! teams, and a few weeks of reports, a questionnaire and care plan versions. Also the
//! generator behind `kring demo --scale N`, which sends N reports through the batch.

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use kring_shared::{
    admin::CareRole,
    details::Address,
    dossier::{CarePlanAction, CarePlanGoal, QuestionAnswer},
    integration::{
        AppointmentUpsert, BatchAction, BatchItem, CareContact, CarePlanUpsert, CareTeamUpsert,
        ClientUpsert, Insurance, QuestionnaireUpsert, ReportUpsert, Resource,
    },
};

use crate::services::integration::Operation;

fn date(year: i32, month: u32, day: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| anyhow::anyhow!("bad demo date"))
}

fn client(
    id: &str,
    first_name: &str,
    last_name: &str,
    birth_date: NaiveDate,
    gp: &str,
) -> Operation {
    Operation::Client {
        id: id.to_owned(),
        data: ClientUpsert {
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            birth_date: Some(birth_date),
            photo: None,
            address: Some(Address {
                street: format!("Lindelaan {}", id.trim_start_matches("ECD-").len() * 3 + 9),
                postal_code: "3511 AB".to_owned(),
                city: "Utrecht".to_owned(),
            }),
            phone: Some("030 111 22 33".to_owned()),
            gp: Some(CareContact {
                name: gp.to_owned(),
                phone: Some("030 123 45 67".to_owned()),
            }),
            pharmacy: Some(CareContact {
                name: "Apotheek De Linde".to_owned(),
                phone: Some("030 765 43 21".to_owned()),
            }),
            insurance: Some(Insurance {
                insurer: "Zilveren Kruis".to_owned(),
                policy_number: Some(format!("{}-ZK", id.trim_start_matches("ECD-"))),
            }),
            discharged_on: None,
        },
    }
}

fn team(client_id: &str, care_worker_id: &str, role: CareRole) -> Operation {
    Operation::CareTeam {
        client_id: client_id.to_owned(),
        care_worker_id: care_worker_id.to_owned(),
        data: CareTeamUpsert { role },
    }
}

fn report(
    client_id: &str,
    id: String,
    written_at: DateTime<Utc>,
    category: &str,
    author: &str,
    text: &str,
) -> Operation {
    Operation::Report {
        client_id: client_id.to_owned(),
        id,
        data: ReportUpsert {
            category: category.to_owned(),
            author: author.to_owned(),
            written_at,
            text: text.to_owned(),
        },
    }
}

fn action(description: &str, frequency: &str, responsible: &str) -> CarePlanAction {
    CarePlanAction {
        description: description.to_owned(),
        frequency: Some(frequency.to_owned()),
        responsible: Some(responsible.to_owned()),
    }
}

fn goal(title: &str, description: &str, actions: Vec<CarePlanAction>) -> CarePlanGoal {
    CarePlanGoal {
        title: title.to_owned(),
        description: Some(description.to_owned()),
        actions,
    }
}

/// The demo's ECD data, with times relative to `now` so the timeline always looks recent.
pub fn operations(now: DateTime<Utc>) -> anyhow::Result<Vec<Operation>> {
    // Today's reports are written in the morning (no later than 10:00). Before then — a run at
    // night — the whole history moves a day back, in order, so that nothing lies in the future.
    let today = if now.time().hour() < 10 {
        now.date_naive() - Duration::days(1)
    } else {
        now.date_naive()
    };
    let day = |days_ago: i64, hour: i64| {
        (today - Duration::days(days_ago))
            .and_hms_opt(0, 0, 0)
            .map(|midnight| midnight.and_utc() + Duration::hours(hour))
            .unwrap_or(now)
    };
    let mut operations = vec![
        client(
            "ECD-1001",
            "Johanna",
            "de Vries",
            date(1938, 4, 12)?,
            "Huisartsenpraktijk De Linde",
        ),
        client(
            "ECD-1002",
            "Gerrit",
            "Bakker",
            date(1941, 9, 3)?,
            "Huisarts Jansen",
        ),
        client(
            "ECD-1003",
            "Daan",
            "Smit",
            date(1991, 2, 27)?,
            "Gezondheidscentrum Noord",
        ),
        team("ECD-1001", "MW-2001", CareRole::Evv),
        team("ECD-1001", "MW-2002", CareRole::PersonalSupervisor),
        team("ECD-1001", "MW-2003", CareRole::CareAssistant),
        team("ECD-1002", "MW-2001", CareRole::Evv),
        team("ECD-1003", "MW-2002", CareRole::PersonalSupervisor),
    ];
    let johanna = [
        (
            0,
            8,
            "Dagrapportage",
            "Fatima El Amrani",
            "Mevrouw heeft goed geslapen en met smaak ontbeten. Ze vertelde over de kleinkinderen.",
        ),
        (
            1,
            14,
            "Welzijn",
            "Lotte de Jong",
            "Mevrouw deed mee met de zangmiddag en zong alle liedjes mee. Daarna was ze moe en heeft ze gerust.",
        ),
        (
            1,
            8,
            "Dagrapportage",
            "Fatima El Amrani",
            "Rustige nacht. Mevrouw is zelf met de rollator naar het restaurant gelopen.",
        ),
        (
            2,
            19,
            "Medisch",
            "Thomas Mulder",
            "De huisarts is langs geweest voor de controle van de bloeddruk. Die is goed. Geen veranderingen in medicatie.",
        ),
        (
            3,
            8,
            "Dagrapportage",
            "Lotte de Jong",
            "Mevrouw had wat last van haar knie. Pijnstilling gegeven volgens afspraak; na een uur ging het beter.",
        ),
        (
            4,
            15,
            "Welzijn",
            "Thomas Mulder",
            "Samen buiten gewandeld in de tuin. Mevrouw genoot van de zon.",
        ),
        (
            6,
            8,
            "Dagrapportage",
            "Fatima El Amrani",
            "Dochter Marieke op bezoek geweest. Mevrouw was daarna vrolijk.",
        ),
        (
            9,
            10,
            "Medisch",
            "Thomas Mulder",
            "Griepprik gegeven. Geen bijzonderheden.",
        ),
    ];
    for (index, (days_ago, hour, category, author, text)) in johanna.into_iter().enumerate() {
        operations.push(report(
            "ECD-1001",
            format!("R-1001-{index:03}"),
            day(days_ago, hour),
            category,
            author,
            text,
        ));
    }
    operations.push(Operation::Questionnaire {
        client_id: "ECD-1001".to_owned(),
        id: "VL-1001-001".to_owned(),
        data: QuestionnaireUpsert {
            title: "Tevredenheid wonen".to_owned(),
            author: Some("Thomas Mulder".to_owned()),
            completed_at: day(5, 11),
            answers: vec![
                QuestionAnswer {
                    question: "Voelt u zich thuis op de afdeling?".to_owned(),
                    answer: "Ja, meestal wel.".to_owned(),
                },
                QuestionAnswer {
                    question: "Wat vindt u van het eten?".to_owned(),
                    answer: "Lekker, maar soms te zout.".to_owned(),
                },
                QuestionAnswer {
                    question: "Wat kan beter?".to_owned(),
                    answer: "Vaker samen naar buiten.".to_owned(),
                },
            ],
        },
    });
    operations.push(Operation::CarePlan {
        client_id: "ECD-1001".to_owned(),
        id: "ZP-1001-2026-05".to_owned(),
        data: CarePlanUpsert {
            title: "Zorgplan voorjaar 2026".to_owned(),
            author: Some("Fatima El Amrani".to_owned()),
            established_at: day(200, 10),
            valid_from: today - Duration::days(200),
            valid_until: Some(today - Duration::days(21)),
            summary: Some(
                "Mevrouw woont sinds kort op de afdeling en went aan het ritme.".to_owned(),
            ),
            goals: vec![goal(
                "Wennen op de afdeling",
                "Mevrouw voelt zich thuis en kent de vaste gezichten.",
                vec![action(
                    "Elke dag een praatje bij de koffie",
                    "Elke ochtend",
                    "EVV",
                )],
            )],
        },
    });
    operations.push(Operation::CarePlan {
        client_id: "ECD-1001".to_owned(),
        id: "ZP-1001-2026-11".to_owned(),
        data: CarePlanUpsert {
            title: "Zorgplan najaar 2026".to_owned(),
            author: Some("Fatima El Amrani".to_owned()),
            established_at: day(20, 10),
            valid_from: today - Duration::days(20),
            valid_until: Some(today + Duration::days(160)),
            summary: Some("Mevrouw wil zo lang mogelijk zelf blijven lopen en graag meedoen met activiteiten.".to_owned()),
            goals: vec![
                goal(
                    "Veilig blijven lopen",
                    "Mevrouw loopt zelf met de rollator naar het restaurant.",
                    vec![
                        action("Samen een stukje wandelen", "Elke middag", "Zorgkundige"),
                        action("Fysiotherapie voor de knie", "Twee keer per week", "Fysiotherapeut"),
                    ],
                ),
                goal(
                    "Meedoen met activiteiten",
                    "Mevrouw gaat naar de zangmiddag en de bingo.",
                    vec![action("Mevrouw herinneren aan de activiteit en meelopen", "Bij elke activiteit", "EVV")],
                ),
            ],
        },
    });
    let gerrit = [
        (
            0,
            9,
            "Dagrapportage",
            "Fatima El Amrani",
            "Meneer heeft de krant gelezen en wilde graag over voetbal praten.",
        ),
        (
            2,
            16,
            "Welzijn",
            "Fatima El Amrani",
            "Meneer was wat onrustig in de middag. Na een kop thee en muziek werd hij rustiger.",
        ),
        (
            5,
            8,
            "Medisch",
            "Fatima El Amrani",
            "Meneer heeft een nieuwe bril. Hij ziet beter en leest meer.",
        ),
    ];
    for (index, (days_ago, hour, category, author, text)) in gerrit.into_iter().enumerate() {
        operations.push(report(
            "ECD-1002",
            format!("R-1002-{index:03}"),
            day(days_ago, hour),
            category,
            author,
            text,
        ));
    }
    operations.push(Operation::CarePlan {
        client_id: "ECD-1002".to_owned(),
        id: "ZP-1002-2026-09".to_owned(),
        data: CarePlanUpsert {
            title: "Zorgplan 2026".to_owned(),
            author: Some("Fatima El Amrani".to_owned()),
            established_at: day(60, 10),
            valid_from: today - Duration::days(60),
            valid_until: None,
            summary: None,
            goals: vec![goal(
                "Rust in de middag",
                "Meneer heeft een vaste rustige plek na de lunch.",
                vec![action("Muziek van vroeger aanzetten", "Elke middag", "EVV")],
            )],
        },
    });
    let daan = [
        (
            1,
            17,
            "Dagbesteding",
            "Thomas Mulder",
            "Daan heeft bij de fietsenmaker gewerkt en twee banden geplakt. Hij was trots.",
        ),
        (
            4,
            17,
            "Dagbesteding",
            "Thomas Mulder",
            "Daan heeft zelf boodschappen gedaan met het lijstje.",
        ),
    ];
    for (index, (days_ago, hour, category, author, text)) in daan.into_iter().enumerate() {
        operations.push(report(
            "ECD-1003",
            format!("R-1003-{index:03}"),
            day(days_ago, hour),
            category,
            author,
            text,
        ));
    }
    operations.push(Operation::CarePlan {
        client_id: "ECD-1003".to_owned(),
        id: "ZP-1003-2026-10".to_owned(),
        data: CarePlanUpsert {
            title: "Ondersteuningsplan 2026".to_owned(),
            author: Some("Thomas Mulder".to_owned()),
            established_at: day(40, 10),
            valid_from: today - Duration::days(40),
            valid_until: None,
            summary: Some("Daan wil zelfstandiger wonen.".to_owned()),
            goals: vec![goal(
                "Zelf boodschappen doen",
                "Daan doet één keer per week zelf boodschappen.",
                vec![action(
                    "Samen het boodschappenlijstje maken",
                    "Elke maandag",
                    "Persoonlijk begeleider",
                )],
            )],
        },
    });
    operations.extend(care_appointments(now));
    Ok(operations)
}

/// A month of Johanna's care appointments on the ECD's planning, from a week ago to three
/// weeks ahead, at wall-clock times in Europe/Amsterdam.
fn care_appointments(now: DateTime<Utc>) -> Vec<Operation> {
    use chrono::{Datelike, NaiveTime, Weekday};

    use crate::services::agenda::time;
    let today = time::local(now).date();
    let at = |date: NaiveDate, hour: u32, minute: u32| {
        time::instant(date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default()))
    };
    let mut operations = Vec::new();
    let mut add = |id: String,
                   title: &str,
                   start: DateTime<Utc>,
                   minutes: i64,
                   location: Option<&str>,
                   description: Option<&str>,
                   worker: &str| {
        operations.push(Operation::Appointment {
            client_id: "ECD-1001".to_owned(),
            id,
            data: AppointmentUpsert {
                title: title.to_owned(),
                starts_at: start,
                ends_at: start + Duration::minutes(minutes),
                location: location.map(str::to_owned),
                description: description.map(str::to_owned),
                care_worker_id: Some(worker.to_owned()),
            },
        });
    };
    for offset in -7..=21 {
        let date = today + Duration::days(offset);
        let key = date.format("%Y%m%d");
        match date.weekday() {
            Weekday::Mon | Weekday::Wed | Weekday::Fri => add(
                format!("AF-{key}-douche"),
                "Douchen en aankleden",
                at(date, 8, 30),
                45,
                Some("Kamer 12"),
                None,
                "MW-2003",
            ),
            Weekday::Tue | Weekday::Thu => add(
                format!("AF-{key}-fysio"),
                "Fysiotherapie: oefenen met lopen",
                at(date, 10, 30),
                30,
                Some("Oefenzaal, begane grond"),
                Some("Graag makkelijke schoenen aan."),
                "MW-2002",
            ),
            _ => {}
        }
    }
    let in_days = |days: i64| today + Duration::days(days);
    add(
        "AF-evaluatie".to_owned(),
        "Evaluatiegesprek zorgplan",
        at(in_days(9), 14, 0),
        60,
        Some("Kantoor afdeling De Eik"),
        Some("Met de EVV; familie is welkom."),
        "MW-2001",
    );
    add(
        "AF-huisarts".to_owned(),
        "Bezoek huisarts",
        at(in_days(3), 11, 15),
        20,
        Some("Kamer 12"),
        Some("Controle bloeddruk."),
        "MW-2001",
    );
    add(
        "AF-kapper".to_owned(),
        "Kapper",
        at(in_days(12), 13, 30),
        45,
        Some("Kapsalon in de hal"),
        None,
        "MW-2003",
    );
    operations
}

/// `count` generated reports for `client_id`, one every 29 minutes (about 50 a day) going back
/// from `now`, as batch items of the integration API.
pub fn scale_items(client_id: &str, start: u64, count: u64, now: DateTime<Utc>) -> Vec<BatchItem> {
    const CATEGORIES: [&str; 4] = ["Dagrapportage", "Welzijn", "Medisch", "Nachtrapportage"];
    (start..start + count)
        .map(|number| {
            let written_at = now - Duration::minutes(i64::try_from(number).unwrap_or(0) * 29);
            let category = CATEGORIES[(number % 4) as usize];
            BatchItem {
                action: BatchAction::Upsert,
                resource: Resource::Report,
                client_id: Some(client_id.to_owned()),
                id: format!("SCALE-{number:08}"),
                data: Some(serde_json::json!({
                    "category": category,
                    "author": "Fatima El Amrani",
                    "written_at": written_at,
                    "text": format!("Rapportage {number}: mevrouw heeft gegeten, gedronken en is rustig geweest."),
                })),
            }
        })
        .collect()
}
