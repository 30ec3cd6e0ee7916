//! The words of the asset register's mail: a hand-over to confirm.

use crate::outbox::{Rendered, escape};

/// "Please confirm you received this device", with the acceptance link.
pub(super) fn asset_handover(
    helpdesk: &str,
    name: &str,
    asset: &str,
    link: &str,
    due: Option<chrono::NaiveDate>,
) -> Rendered {
    let due_line = due
        .map(|d| format!("Please return it by {d}.\n"))
        .unwrap_or_default();
    let subject = format!("Please confirm you received {asset}");
    let text = format!(
        "Hello {name},\n\n{asset} has been handed over to you.\n{due_line}\nPlease confirm that you received it:\n{link}\n\n{helpdesk}\n"
    );
    let html = format!(
        "<p>Hello {},</p><p>{} has been handed over to you.{}</p><p><a href=\"{}\">Confirm that you received it</a></p><p>{}</p>",
        escape(name),
        escape(asset),
        due.map(|d| format!(" Please return it by {d}."))
            .unwrap_or_default(),
        escape(link),
        escape(helpdesk)
    );
    Rendered {
        subject,
        text,
        html,
    }
}
