//! One-time confirmations after a successful form (post, redirect, get):
//! the redirect sets a short-lived cookie naming what happened, and the
//! next page shows it once and clears it. The cookie holds a fixed code,
//! never text from the request, so a forged one can only show one of these
//! sentences.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::{HttpRequest, HttpResponse};

use super::see_other;

const COOKIE: &str = "itdesk_flash";

/// What can be confirmed, by code.
const MESSAGES: &[(&str, &str)] = &[
    ("replied", "Your reply is sent."),
    ("noted", "Your internal note is saved. Only staff see it."),
    ("saved", "Your changes are saved."),
    (
        "replied_saved",
        "Your reply is sent and your changes are saved.",
    ),
    (
        "noted_saved",
        "Your internal note and your changes are saved.",
    ),
    ("confirmed", "The mailed reply is confirmed and now counts."),
    ("status", "The ticket is updated."),
    ("taken", "The ticket is yours now."),
    (
        "filed",
        "Thank you: your ticket is filed. We will answer here and by mail.",
    ),
    (
        "withdrawn",
        "Your ticket is withdrawn. Nobody will work on it.",
    ),
    ("received", "Thank you: receipt confirmed."),
    (
        "view_saved",
        "The view is saved: it is listed above the filters.",
    ),
    ("view_deleted", "The view is deleted."),
    ("asset_registered", "The asset is registered."),
    ("asset_saved", "The asset's details are saved."),
    ("asset_moved", "The asset's status is changed."),
    (
        "asset_disposed",
        "The asset is recorded as disposed, with its evidence.",
    ),
    ("asset_out", "The asset is checked out."),
    ("asset_in", "The asset is checked back in."),
    ("linked", "The ticket and the asset are linked."),
    (
        "unlinked",
        "The link between the ticket and the asset is removed.",
    ),
    ("reply_created", "The saved reply is added."),
    ("reply_saved", "The saved reply is changed."),
    ("reply_deleted", "The saved reply is deleted."),
    ("seat_allocated", "The seat is given."),
    (
        "contract_terminated",
        "Notice is recorded: the contract ends on that day and does not renew.",
    ),
    ("contract_created", "The contract is added."),
    (
        "order_created",
        "The order is raised as a draft: submit it for approval when it is complete.",
    ),
    ("order_saved", "The order is changed."),
    ("order_moved", "The order moved on."),
    (
        "order_received",
        "Received: the devices are in stock and the licences in the register.",
    ),
    (
        "invoice_recorded",
        "The invoice is recorded and matches what arrived.",
    ),
    (
        "invoice_flagged",
        "The invoice is recorded, but the invoices are off what arrived by more than the tolerance: the order is flagged.",
    ),
    (
        "escalated",
        "The ticket is with the vendor: on hold until they resolve it, their clock running.",
    ),
    ("vendor_answered", "The vendor's answer is recorded."),
    (
        "vendor_resolved",
        "The vendor's resolution is recorded; the ticket is back with us.",
    ),
    ("contract_saved", "The contract is changed."),
    ("vendor_created", "The vendor is added."),
    ("vendor_saved", "The vendor is changed."),
    (
        "contract_renewed",
        "The contract is renewed for its next term.",
    ),
    (
        "run_planned",
        "The plan is made: nothing has changed yet. Read it, then approve it.",
    ),
    (
        "run_approved",
        "Approved: the steps run on the effective day (at once when it has come).",
    ),
    ("run_retried", "The run goes on from its failed step."),
    (
        "run_reverted",
        "The offboarding is reverted: the account and the person are back.",
    ),
    ("template_saved", "The template is saved."),
    ("template_deleted", "The template is deleted."),
    (
        "directory_synced",
        "The sync is done: people are as the directory has them.",
    ),
    (
        "directory_previewed",
        "This is a preview: nothing was changed. Sync now to apply it.",
    ),
    (
        "document_added",
        "The documents are kept with the contract.",
    ),
    (
        "document_removed",
        "The document is taken off the contract; its history says which it was.",
    ),
    (
        "contract_renewed_already",
        "Nothing changed: the contract had already moved to a new term (renewed meanwhile). Its current term is shown.",
    ),
    ("entitlement_created", "The entitlement is added."),
    ("entitlement_saved", "The entitlement is changed."),
    ("entitlement_deleted", "The entitlement is deleted."),
    ("product_created", "The product is in the catalog."),
    ("product_saved", "The product is changed."),
    (
        "rule_created",
        "The rule is saved; installations it matches resolve to it now.",
    ),
    (
        "rule_deleted",
        "The rule is deleted; what it matched resolves by the other rules.",
    ),
    ("seat_released", "The seat is taken back and free again."),
    (
        "report_frozen",
        "The month is frozen: its report keeps these figures from now on.",
    ),
    (
        "report_refrozen",
        "The month is frozen again with the figures as they are now; the history says who did it.",
    ),
    (
        "audit_frozen",
        "The audit is frozen: its files stay exactly as they are now.",
    ),
    (
        "already_applied",
        "This dry run was already applied (or its file is gone): upload the file again.",
    ),
];

/// A 303 to `location` that shows `code`'s sentence there once.
pub fn redirect(location: &str, code: &'static str) -> HttpResponse {
    debug_assert!(
        MESSAGES.iter().any(|(c, _)| *c == code),
        "flash code {code:?} has no sentence"
    );
    let mut resp = see_other(location);
    let cookie = Cookie::build(COOKIE, code)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(Duration::seconds(120))
        .finish();
    let _ = resp.add_cookie(&cookie);
    resp
}

/// The sentence waiting for this request, if any.
pub fn take(req: &HttpRequest) -> Option<&'static str> {
    let code = req.cookie(COOKIE)?;
    MESSAGES
        .iter()
        .find(|(c, _)| *c == code.value())
        .map(|(_, m)| *m)
}

/// Clears the cookie once its sentence is shown.
pub fn clear(req: &HttpRequest, resp: &mut HttpResponse) {
    if req.cookie(COOKIE).is_some() {
        let mut gone = Cookie::build(COOKIE, "").path("/").finish();
        gone.make_removal();
        let _ = resp.add_cookie(&gone);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_codes_show_and_the_redirect_sets_one() {
        let req = actix_web::test::TestRequest::default()
            .cookie(Cookie::new(COOKIE, "replied"))
            .to_http_request();
        assert_eq!(take(&req), Some("Your reply is sent."));
        let forged = actix_web::test::TestRequest::default()
            .cookie(Cookie::new(COOKIE, "<script>"))
            .to_http_request();
        assert_eq!(take(&forged), None);
        let resp = redirect("/tickets/1", "saved");
        let set = resp.cookies().next().unwrap();
        assert_eq!(set.value(), "saved");
        assert_eq!(resp.status(), 303);
    }
}
