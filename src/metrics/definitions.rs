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
];

/// The definition of a figure.
pub fn of(section: &str, metric: &str) -> Option<&'static str> {
    DEFINITIONS
        .iter()
        .find(|(s, m, _)| *s == section && *m == metric)
        .map(|(_, _, d)| *d)
}
