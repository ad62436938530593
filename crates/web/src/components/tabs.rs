//! A page's parts as a row of tabs: links, with the open part marked for screen readers
//! (`aria-current="page"`), each a 44 px target.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// One tab: where it goes, its label's catalog key, and whether it is the open part.
pub type TabLink = (&'static str, &'static str, bool);

/// The tabs, named `label` (a catalog key) for the navigation landmark; `class` adds a look.
#[component]
pub fn TabNav(
    label: &'static str,
    tabs: Vec<TabLink>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class=format!("tabs {class}") aria-label=i18n.tr(label)>
            <ul>
                {tabs.into_iter().map(|(path, text, current)| view! {
                    <li>
                        <a class="tab" href=path aria-current=current.then_some("page")>
                            {i18n.tr(text)}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
    }
}
