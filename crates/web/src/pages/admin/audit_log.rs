//! The audit log of the whole organisation, or of one client.

use super::*;

/// The audit log of the whole organisation, or of one client.
#[component]
pub(super) fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let client = RwSignal::new(None::<Uuid>);
    let clients = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.admin_clients().await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let page = LocalResource::new(move || {
        let chosen = client.get();
        let api = session.api();
        async move {
            match api {
                Some(api) => api.audit_log(chosen).await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    view! {
        <section class="profile-section" aria-labelledby="audit-title">
            <h2 id="audit-title">{i18n.tr("audit.title")}</h2>
            <p>{i18n.tr("audit.intro")}</p>
            <div class="field">
                <label for="audit-client">{i18n.tr("audit.filter_client")}</label>
                <select id="audit-client" on:change=move |event| {
                    client.set(event_target_value(&event).parse::<Uuid>().ok());
                }>
                    <option value="">{i18n.tr("audit.filter_all")}</option>
                    {move || clients.get().unwrap_or_default().into_iter().map(|item| {
                        let label = format!("{} {}", item.first_name, item.last_name);
                        view! { <option value=item.id.to_string()>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || match page.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || page.refetch()/> }.into_any(),
                Some(Ok(page)) => view! { <AuditList page show_address=true/> }.into_any(),
            }}
        </section>
    }
}
