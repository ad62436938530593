//! Mail that did not go out after a try, with "send again".

use super::*;

/// Mail that did not go out after a try, with "send again".
#[component]
pub(super) fn UndeliveredMail() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = LocalResource::new(move || {
        let api = session.api();
        async move {
            match api {
                Some(api) => api.undelivered_mail().await,
                None => Err(ApiFailure::Network),
            }
        }
    });
    // Whether the retry worked or not, the list read again shows where the mail is.
    let retry = session.action(
        |api, id: Uuid| async move { api.retry_mail(id).await },
        move |_| list.refetch(),
    );
    view! {
        <section class="profile-section" aria-labelledby="mail-outbox-title">
            <h2 id="mail-outbox-title">{i18n.tr("admin.mail_title")}</h2>
            {move || match list.get() {
                None => view! { <p class="loading">{i18n.t("start.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <LoadFailure failure retry=move || list.refetch()/> }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! { <p>{i18n.t("admin.mail_none")}</p> }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="audit-list">
                        {items.into_iter().map(|item| {
                            let id = item.id;
                            let state = if item.given_up { "admin.mail_given_up" } else { "admin.mail_retrying" };
                            view! {
                                <li class="audit-entry">
                                    <p><strong>{item.to_name}</strong>" <"{item.to_address}">"</p>
                                    <p>{item.subject}</p>
                                    <p class="audit-details">{move || date_time(i18n.language.get(), item.created_at)}" · "{i18n.tr(state)}</p>
                                    {item.last_error.map(|error| view! { <p class="audit-details">{error}</p> })}
                                    <button type="button" class="button-secondary"
                                        disabled=move || retry.pending().get()
                                        on:click=move |_| { retry.dispatch_local(id); }>
                                        {i18n.tr("admin.mail_retry")}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
