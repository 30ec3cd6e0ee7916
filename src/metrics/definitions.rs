//! Every figure's definition, once: the XLSX `Definitions` sheet and the
//! report page print these, and `schema/metrics.md` says the same at more
//! length (a test holds the two together).

/// (section, metric, definition).
pub const DEFINITIONS: &[(&str, &str, &str)] = &[
    (
        "tickets",
        "created",
        "Tickets filed in the month (local calendar month in the report's zone), in total and by type, priority, channel, queue and category as they are now (`none`: without a queue or category).",
    ),
    (
        "tickets",
        "resolved",
        "Tickets that entered `resolved` during the month, each ticket once however often.",
    ),
    (
        "tickets",
        "cancelled",
        "Tickets that entered `cancelled` during the month.",
    ),
    (
        "tickets",
        "backlog_start",
        "Tickets in `new`, `triaged`, `in_progress` or `on_hold` at the instant the month began.",
    ),
    (
        "tickets",
        "backlog_end",
        "Tickets in `new`, `triaged`, `in_progress` or `on_hold` at the instant the month ended.",
    ),
    (
        "tickets",
        "reopen_rate",
        "Of the month's resolved tickets, the share moved from `resolved` back to work within `reports.reopen_window_days` of one of its resolutions in the month (also when the reopen falls in the next month); null when none was resolved.",
    ),
    (
        "tickets",
        "fcr_rate",
        "First-contact resolution: of the month's resolved tickets, the share with at most one public agent reply up to its last resolution in the month, never moved from one queue to another nor escalated to a vendor before it, and not reopened within the window.",
    ),
    (
        "tickets",
        "aging_end",
        "The end-of-month backlog by age: local calendar days from the day it was filed to the month's last day (0-2d, 3-7d, 8-30d, >30d).",
    ),
    (
        "tickets",
        "first_response.count",
        "Tickets whose first public agent reply fell in the month (and that an SLA policy with a first-response target covers); a ticket resolved or cancelled without a reply has none.",
    ),
    (
        "tickets",
        "first_response.median",
        "Median business seconds from filing to the first public agent reply, on the ticket's SLA calendar with paused time left out, exactly as the first-response clock counts; nearest rank (the value at position ceil(p*n) of the sorted list).",
    ),
    (
        "tickets",
        "first_response.p90",
        "90th percentile (nearest rank) of the same business seconds.",
    ),
    (
        "tickets",
        "resolution.count",
        "Of the month's resolved tickets, those an SLA policy with a resolution target covers.",
    ),
    (
        "tickets",
        "resolution.median",
        "Median business seconds from filing to the ticket's last resolution in the month, as the resolution clock counts them (paused time and time between a resolution and a reopen left out); nearest rank.",
    ),
    (
        "tickets",
        "resolution.p90",
        "90th percentile (nearest rank) of the same business seconds.",
    ),
    (
        "sla",
        "first_response.met",
        "First-response clocks met on time at an instant in the month (by the priority the clock was measured at).",
    ),
    (
        "sla",
        "first_response.breached",
        "First-response clocks whose due time fell in the month without a reply by then.",
    ),
    (
        "sla",
        "first_response.attainment",
        "met / (met + breached); null when no clock concluded.",
    ),
    (
        "sla",
        "next_response.met",
        "Next-response cycles (a requester message waiting for a public agent reply) answered on time in the month.",
    ),
    (
        "sla",
        "next_response.breached",
        "Next-response cycles whose due time fell in the month unanswered.",
    ),
    (
        "sla",
        "next_response.attainment",
        "met / (met + breached); null when no cycle concluded.",
    ),
    (
        "sla",
        "resolution.met",
        "Resolution clocks stopped on time in the month by a resolution (a cancellation is not a resolution; a clock resumed by a reopen before the month ended has not concluded).",
    ),
    (
        "sla",
        "resolution.breached",
        "Resolution clocks whose due time fell in the month before a resolution.",
    ),
    (
        "sla",
        "resolution.attainment",
        "met / (met + breached); null when no clock concluded.",
    ),
    (
        "sla",
        "attainment",
        "Every clock that concluded in the month together: met / (met + breached).",
    ),
    (
        "sla",
        "worst_queue.attainment",
        "The five queues with breaches and the lowest attainment over every clock (by the queue the ticket was in when its clock concluded).",
    ),
    (
        "sla",
        "worst_queue.breached",
        "Breached clocks of that queue in the month.",
    ),
    (
        "workload",
        "assigned",
        "Tickets that came to the queue or agent in the month: filed with it, or moved or assigned to it (each ticket once).",
    ),
    (
        "workload",
        "resolved",
        "Of the month's resolved tickets, those the queue or agent held at the ticket's last resolution in the month.",
    ),
    (
        "workload",
        "open_end",
        "Backlog at the month's end held by the queue or agent then.",
    ),
    (
        "workload",
        "median_resolution",
        "Median resolution business seconds (nearest rank) of the tickets it resolved.",
    ),
    (
        "trend",
        "created",
        "Tickets created in each of the twelve months ending with this one, from the frozen month where it is frozen.",
    ),
    (
        "trend",
        "resolved",
        "Tickets resolved in each month, as defined above.",
    ),
    ("trend", "backlog_end", "The backlog at each month's end."),
    (
        "trend",
        "sla_attainment",
        "Every clock that concluded in that month together: met / (met + breached).",
    ),
    (
        "trend",
        "reopen_rate",
        "Each month's reopen rate, as defined above (null in months frozen before definitions version 2).",
    ),
    (
        "trend",
        "fcr_rate",
        "Each month's first-contact resolution, as defined above (null in months frozen before definitions version 2).",
    ),
    (
        "assets",
        "by_status",
        "Every asset registered by the month's end, by its status then (its status now, rolled back over the status changes recorded since).",
    ),
    (
        "assets",
        "by_category",
        "Assets neither retired nor disposed at the month's end, by category (`none`: without one).",
    ),
    (
        "assets",
        "deployed",
        "Assets that entered `deployed` during the month (registered deployed, checked out or moved there).",
    ),
    (
        "assets",
        "retired",
        "Assets that entered `retired` during the month.",
    ),
    (
        "assets",
        "warranties_ending_90d",
        "Assets neither retired nor disposed at the month's end whose warranty ends in the 90 days after it.",
    ),
    (
        "assets",
        "inventory_freshness",
        "Of the assets deployed at the month's end, the share with an inventory in the 30 days before it; null when none was deployed.",
    ),
    (
        "assets",
        "book_value",
        "Straight-line book value on the month's last day of the assets with a purchase date, cost and currency that were not disposed then, by category, in each currency (the model's depreciation months, else the category's default).",
    ),
    (
        "assets",
        "cost",
        "What those assets cost, by category, in each currency.",
    ),
    (
        "licenses",
        "positions",
        "Compliance positions (product and metric) on the month's last day, as the license register counts them on that day.",
    ),
    (
        "licenses",
        "compliant",
        "Positions with enough licences and a margin.",
    ),
    (
        "licenses",
        "at_risk",
        "Positions with enough licences but none to spare.",
    ),
    (
        "licenses",
        "non_compliant",
        "Positions with fewer licences than consumed.",
    ),
    (
        "licenses",
        "shortfall_cost",
        "What buying the missing licences would cost, in each currency.",
    ),
    (
        "licenses",
        "unused_cost",
        "What the licences bought but not consumed cost, in each currency.",
    ),
    (
        "licenses",
        "shortfall",
        "Licences missing for a position (consumed minus entitled).",
    ),
    (
        "contracts",
        "in_force",
        "Contracts (not drafts) in force on the month's last day: started, not ended, not terminated.",
    ),
    (
        "contracts",
        "committed_annual_spend",
        "The annual cost of the contracts in force, in each currency.",
    ),
    (
        "contracts",
        "notice_deadline.count",
        "Contracts in force whose notice deadline falls in the 90 days after the month (as the contracts stand now).",
    ),
    (
        "contracts",
        "notice_deadline",
        "One such deadline: the last day to give notice.",
    ),
    (
        "contracts",
        "renewal.count",
        "Contracts in force whose term ends in the 90 days after the month (renewing when auto-renew is on).",
    ),
    ("contracts", "renewal", "One such end of term."),
    (
        "onboarding",
        "completed",
        "Onboarding, offboarding and move runs whose last step was done during the month.",
    ),
    (
        "onboarding",
        "median_cycle",
        "Median wall-clock seconds from a run's request to its last step done (nearest rank).",
    ),
    (
        "vendors",
        "escalations",
        "Tickets escalated to a vendor during the month, in all and by vendor.",
    ),
    (
        "vendors",
        "response_attainment",
        "Of those escalations, answered within the vendor's response target, as known at the month's end: met / (met + missed, answered late or still unanswered past the target); null when neither.",
    ),
    (
        "vendors",
        "resolution_attainment",
        "The same for the vendor's resolution target.",
    ),
    (
        "purchasing",
        "orders_placed",
        "Purchase orders placed with a vendor during the month: moved to `ordered` at an instant in the month (the report's local month, as for tickets), whatever became of them later; in all and by vendor.",
    ),
    (
        "purchasing",
        "ordered_value",
        "The whole value of those orders (lines less discount, plus tax and shipping) in the base currency, each order at its own conversion rate; in all and by vendor.",
    ),
    (
        "purchasing",
        "receipts",
        "Receipts of goods dated in the month.",
    ),
    (
        "purchasing",
        "units_received",
        "The units those receipts brought.",
    ),
    (
        "purchasing",
        "invoices",
        "Vendor invoices dated in the month.",
    ),
    (
        "purchasing",
        "invoiced_value",
        "Their amount in the base currency, at their orders' rates.",
    ),
    (
        "purchasing",
        "invoices_flagged",
        "Of those invoices, the ones off the received value by more than the invoice tolerance when they were entered.",
    ),
    (
        "purchasing",
        "open_orders",
        "Orders placed before the month's end and still waiting for goods at it: something ordered had not arrived by the last day, and the order was not cancelled or closed short before the month ended.",
    ),
    (
        "purchasing",
        "open_commitment",
        "The value of what had not arrived on those orders, priced as ordered (discount and tax; shipping until something arrived), in the base currency.",
    ),
    (
        "purchasing",
        "overdue_orders",
        "Open orders whose expected delivery day was on or before the month's last day.",
    ),
];

/// The definition of a figure.
pub fn of(section: &str, metric: &str) -> Option<&'static str> {
    DEFINITIONS
        .iter()
        .find(|(s, m, _)| *s == section && *m == metric)
        .map(|(_, _, d)| *d)
}
