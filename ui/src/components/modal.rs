//! A modal dialog: an overlay that takes every click meant for the page behind, a
//! `role="dialog"` box labelled by its title and described by its body, focus moved inside on
//! open and kept inside (Tab and Shift+Tab wrap), Escape to close, and focus handed back to
//! whatever had it before. The keyboard is watched on the document in the capture phase, so
//! the trap holds even when focus has strayed onto the overlay.

use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    pub id: AttrValue,
    pub title: AttrValue,
    pub body: AttrValue,
    /// The id of the element to focus on open (for a destructive choice, the safe one).
    pub initial_focus: AttrValue,
    pub on_close: Callback<()>,
    /// The actions, and anything else under the body.
    #[prop_or_default]
    pub children: Html,
}

const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), \
                         select:not([disabled]), textarea:not([disabled]), \
                         [tabindex]:not([tabindex='-1'])";

fn focusables(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

fn active_element() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

/// Keeps Tab inside `dialog`: from the last element to the first, and back with Shift.
fn trap_tab(dialog: &Element, e: &KeyboardEvent) {
    let items = focusables(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        e.prevent_default();
        return;
    };
    let active = active_element();
    let inside = active
        .as_ref()
        .is_some_and(|a| dialog.contains(Some(a.unchecked_ref())));
    let is = |el: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a.is_same_node(Some(el.unchecked_ref())))
    };
    if e.shift_key() && (!inside || is(first)) {
        e.prevent_default();
        let _ = last.focus();
    } else if !e.shift_key() && (!inside || is(last)) {
        e.prevent_default();
        let _ = first.focus();
    }
}

#[component]
pub fn Modal(props: &ModalProps) -> Html {
    let dialog_ref = use_node_ref();
    let title_id = format!("{}-title", props.id);
    let body_id = format!("{}-body", props.id);

    {
        let dialog_ref = dialog_ref.clone();
        let on_close = props.on_close.clone();
        let initial_focus = props.initial_focus.clone();
        use_effect_with((), move |_| {
            let previous = active_element().and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(dialog) = dialog_ref.cast::<Element>() {
                let target = dialog
                    .query_selector(&format!("#{initial_focus}"))
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                    .or_else(|| focusables(&dialog).into_iter().next());
                if let Some(target) = target {
                    let _ = target.focus();
                }
            }
            let document = web_sys::window().and_then(|w| w.document());
            // The page behind must not scroll while the dialog is open.
            let body = document.as_ref().and_then(|d| d.body());
            if let Some(body) = &body {
                let _ = body.class_list().add_1("modal-open");
            }
            let listener = document.map(|document| {
                let options = EventListenerOptions {
                    phase: EventListenerPhase::Capture,
                    // Escape and Tab are handled here, so their defaults must be stoppable.
                    passive: false,
                };
                EventListener::new_with_options(&document, "keydown", options, move |event| {
                    let Some(e) = event.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    match e.key().as_str() {
                        "Escape" => {
                            e.prevent_default();
                            e.stop_propagation();
                            on_close.emit(());
                        }
                        "Tab" => {
                            if let Some(dialog) = dialog_ref.cast::<Element>() {
                                trap_tab(&dialog, e);
                            }
                        }
                        _ => {}
                    }
                })
            });
            move || {
                drop(listener);
                if let Some(body) = &body {
                    let _ = body.class_list().remove_1("modal-open");
                }
                if let Some(previous) = previous.filter(|p| p.is_connected()) {
                    let _ = previous.focus();
                }
            }
        });
    }

    // The overlay swallows clicks so nothing behind the dialog can be pressed. It does not
    // close the dialog: a stray click should not cancel a decision half made.
    let on_overlay = Callback::from(|e: MouseEvent| e.stop_propagation());

    html! {
        <div class="modal-overlay" onclick={on_overlay}>
            <div
                id={props.id.clone()}
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby={title_id.clone()}
                aria-describedby={body_id.clone()}
                ref={dialog_ref}
            >
                <h2 class="modal-title" id={title_id}>{ props.title.clone() }</h2>
                <p class="modal-body" id={body_id}>{ props.body.clone() }</p>
                { props.children.clone() }
            </div>
        </div>
    }
}
