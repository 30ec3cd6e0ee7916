//! The raw material of the demo: people, teams and the problems an IT
//! department actually hears about.

use crate::tickets::domain::{Level, TicketType};

pub const QUEUES: &[(&str, &str, &str)] = &[
    (
        "service-desk",
        "Service Desk",
        "First line: everything starts here",
    ),
    (
        "workplace",
        "Workplace",
        "Laptops, desktops, printers and peripherals",
    ),
    ("network", "Network", "Wi-Fi, VPN, switches and firewalls"),
    (
        "identity",
        "Identity & Access",
        "Accounts, groups, MFA and permissions",
    ),
    (
        "applications",
        "Applications",
        "Business applications and licenses",
    ),
];

pub const CATEGORIES: &[(&str, &str)] = &[
    ("hardware", "Hardware"),
    ("software", "Software"),
    ("network", "Network & VPN"),
    ("access", "Access & accounts"),
    ("email", "Email & calendar"),
    ("printing", "Printing"),
    ("phone", "Phones & mobile"),
    ("onboarding", "Onboarding & offboarding"),
    ("security", "Security"),
];

/// (email, display name, role) of the staff; every demo account's password
/// is [`super::DEMO_PASSWORD`].
pub const STAFF: &[(&str, &str, &str)] = &[
    ("admin@example.org", "Alex Admin", "admin"),
    (
        "coordinator@example.org",
        "Chris Coordinator",
        "coordinator",
    ),
    ("agent@example.org", "Avery Agent", "agent"),
    ("sam.patel@example.org", "Sam Patel", "agent"),
    ("lena.fischer@example.org", "Lena Fischer", "agent"),
    ("tomas.novak@example.org", "Tomáš Novák", "agent"),
    ("yuki.tanaka@example.org", "Yuki Tanaka", "agent"),
    ("assets@example.org", "Morgan Assets", "asset_manager"),
    ("cfo@example.org", "Dana Finance", "viewer"),
];

pub const FIRST_NAMES: &[&str] = &[
    "Emma", "Liam", "Olivia", "Noah", "Mia", "Lucas", "Sofia", "Elias", "Hannah", "Jonas", "Amira",
    "Mateo", "Chloe", "Felix", "Ines", "Oskar", "Zoe", "Ravi", "Nora", "Karim", "Julia", "Daniel",
    "Aisha", "Marco",
];

pub const LAST_NAMES: &[&str] = &[
    "Müller", "Schmidt", "Garcia", "Rossi", "Dubois", "Kowalski", "Jensen", "Silva", "Nguyen",
    "Okafor", "Larsen", "Moreau", "Costa", "Weber", "Svensson", "Horvat",
];

pub const ORGANISATIONS: &[&str] = &[
    "Finance",
    "Sales",
    "Engineering",
    "HR",
    "Operations",
    "Marketing",
    "Legal",
];

/// A kind of ticket people file.
pub struct Template {
    pub subject: &'static str,
    pub description: &'static str,
    pub ticket_type: TicketType,
    pub queue: &'static str,
    pub category: &'static str,
    pub impact: Level,
    pub urgency: Level,
}

const fn t(
    subject: &'static str,
    description: &'static str,
    ticket_type: TicketType,
    queue: &'static str,
    category: &'static str,
    impact: Level,
    urgency: Level,
) -> Template {
    Template {
        subject,
        description,
        ticket_type,
        queue,
        category,
        impact,
        urgency,
    }
}

use Level::{High, Low, Medium};
use TicketType::{Incident, ServiceRequest};

pub const TEMPLATES: &[Template] = &[
    t(
        "Laptop does not boot after update",
        "My laptop shows a black screen with a blinking cursor since this morning's update. I tried restarting twice.",
        Incident,
        "workplace",
        "hardware",
        Medium,
        High,
    ),
    t(
        "VPN disconnects every few minutes",
        "When working from home the VPN drops roughly every ten minutes and I have to log in again. Started this week.",
        Incident,
        "network",
        "network",
        Medium,
        Medium,
    ),
    t(
        "Wi-Fi on the 3rd floor is very slow",
        "Several of us on the third floor see pages time out; the meeting room projector cannot stream either.",
        Incident,
        "network",
        "network",
        High,
        Medium,
    ),
    t(
        "Printer on 2nd floor jams constantly",
        "The HP printer next to the kitchen jams on every second page. Tray 2 makes a clicking noise.",
        Incident,
        "workplace",
        "printing",
        Low,
        Medium,
    ),
    t(
        "Cannot log in: account locked",
        "I entered my password wrong a few times and now my account is locked. I have a customer call in an hour.",
        Incident,
        "identity",
        "access",
        Low,
        High,
    ),
    t(
        "Outlook keeps asking for password",
        "Outlook prompts for my password every few minutes even though I enter it correctly.",
        Incident,
        "service-desk",
        "email",
        Low,
        Medium,
    ),
    t(
        "Shared mailbox not visible",
        "The sales@ shared mailbox disappeared from my Outlook folder list.",
        Incident,
        "service-desk",
        "email",
        Low,
        Low,
    ),
    t(
        "New starter: laptop and accounts",
        "Please prepare a laptop, email account and access to the CRM for our new colleague starting on Monday.",
        ServiceRequest,
        "identity",
        "onboarding",
        Medium,
        Medium,
    ),
    t(
        "Request: second monitor",
        "I would like a second 27\" monitor for my desk to work with spreadsheets side by side.",
        ServiceRequest,
        "workplace",
        "hardware",
        Low,
        Low,
    ),
    t(
        "Request: Adobe Acrobat Pro license",
        "I need to edit and sign PDF contracts; please install Acrobat Pro.",
        ServiceRequest,
        "applications",
        "software",
        Low,
        Low,
    ),
    t(
        "ERP is extremely slow",
        "Posting invoices in the ERP takes over a minute per document since yesterday afternoon. Whole finance team affected.",
        Incident,
        "applications",
        "software",
        High,
        High,
    ),
    t(
        "Phishing email received",
        "I received an email claiming to be from our CEO asking for gift cards. I did not click anything. Forwarding as attachment.",
        Incident,
        "service-desk",
        "security",
        Medium,
        High,
    ),
    t(
        "MFA app on new phone",
        "I changed phones and the authenticator app is empty. I cannot approve sign-ins anymore.",
        ServiceRequest,
        "identity",
        "access",
        Low,
        High,
    ),
    t(
        "Mobile phone screen cracked",
        "My company phone fell and the screen is cracked; touch still works partially.",
        Incident,
        "workplace",
        "phone",
        Low,
        Medium,
    ),
    t(
        "Access to Finance share",
        "Please give me read access to \\\\files\\finance\\reports; my manager approved.",
        ServiceRequest,
        "identity",
        "access",
        Low,
        Medium,
    ),
    t(
        "Teams calls drop audio",
        "In Teams meetings people stop hearing me after about five minutes; reconnecting helps for a while.",
        Incident,
        "service-desk",
        "software",
        Medium,
        Medium,
    ),
    t(
        "Leaver: disable accounts",
        "Our colleague's last day is Friday. Please disable accounts and collect the laptop and phone.",
        ServiceRequest,
        "identity",
        "onboarding",
        Medium,
        Medium,
    ),
    t(
        "Docking station not detecting monitors",
        "The USB-C dock charges the laptop but neither monitor gets a signal.",
        Incident,
        "workplace",
        "hardware",
        Low,
        Medium,
    ),
    t(
        "Website certificate expired warning",
        "Customers report a certificate warning on the support portal.",
        Incident,
        "network",
        "security",
        High,
        High,
    ),
    t(
        "Install Python and VS Code",
        "For the data analysis training I need Python 3 and VS Code on my laptop.",
        ServiceRequest,
        "applications",
        "software",
        Low,
        Low,
    ),
    t(
        "Calendar invites arrive twice",
        "Every meeting invitation I receive shows up twice in my calendar.",
        Incident,
        "service-desk",
        "email",
        Low,
        Low,
    ),
    t(
        "Office network outage",
        "No network in the whole Lyon office since 9:10. Phones are also down.",
        Incident,
        "network",
        "network",
        High,
        High,
    ),
    t(
        "Keyboard keys not working",
        "The E and R keys on my laptop keyboard only work when pressed hard.",
        Incident,
        "workplace",
        "hardware",
        Low,
        Low,
    ),
    t(
        "Reset voicemail PIN",
        "I forgot my voicemail PIN on the desk phone.",
        ServiceRequest,
        "service-desk",
        "phone",
        Low,
        Low,
    ),
    t(
        "CRM export fails with error 500",
        "Exporting the quarterly pipeline report from the CRM fails with 'Internal Server Error'.",
        Incident,
        "applications",
        "software",
        Medium,
        Medium,
    ),
];

/// Agents' public replies.
pub const AGENT_REPLIES: &[&str] = &[
    "Thanks for reporting this. I'm looking into it now and will update you within the hour.",
    "Could you send a photo of the error message and tell me when it last worked?",
    "I've applied a fix on our side. Could you please try again and let me know?",
    "We have ordered the replacement part; it should arrive in two to three working days.",
    "I've scheduled a visit to your desk tomorrow at 10:00. Please leave the device switched on.",
    "This was caused by an expired certificate on the gateway, which we have renewed.",
    "Your access has been granted. It can take up to 15 minutes to become active.",
];

/// Agents' internal notes.
pub const INTERNAL_NOTES: &[&str] = &[
    "Same symptom as last month's firmware issue; checking the model list.",
    "Escalated to the network team, vendor ticket opened.",
    "User's manager approved by phone.",
    "Spare laptop from stock reserved for this swap.",
];

/// Requesters' follow-ups.
pub const REQUESTER_REPLIES: &[&str] = &[
    "Thanks, it works again!",
    "Still happening this morning, unfortunately.",
    "Attached the screenshot. It happened right after I opened the report.",
    "Tomorrow at 10 works for me.",
    "Any update on this? It's blocking my work.",
];
