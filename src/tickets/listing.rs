//! The queue listing's rules without I/O: sort orders, keyset cursors and
//! search terms. A page is "the next `limit` rows after the last one seen"
//! in a total order ending in the ticket id, so paging stays a range scan at
//! any depth (no OFFSET).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::domain::{Priority, Status, TicketType};

/// What a listing is sorted by. Every order ends with `id` for a total order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// `created_at, id`
    CreatedAt,
    /// `updated_at, id`
    UpdatedAt,
    /// `priority, created_at, id` (ascending: P1 first, oldest first)
    Priority,
    /// `sla_due_at, id` (ascending: nearest deadline first); tickets
    /// without a running SLA deadline are left out of this order.
    SlaDue,
    /// Best match to the search first, then id (needs `q`).
    Relevance,
}

/// A sort key and direction, written `created_at` or `-created_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Sort {
        Sort {
            key: SortKey::CreatedAt,
            descending: true,
        }
    }
}

/// The sort values accepted in `?sort=`.
pub const SORT_VALUES: &[&str] = &[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "priority",
    "-priority",
    "sla_due_at",
    "-sla_due_at",
    "relevance",
];

impl std::str::FromStr for Sort {
    type Err = String;

    fn from_str(s: &str) -> Result<Sort, String> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let key = match name {
            "created_at" => SortKey::CreatedAt,
            "updated_at" => SortKey::UpdatedAt,
            "priority" => SortKey::Priority,
            "sla_due_at" => SortKey::SlaDue,
            "relevance" if !descending => SortKey::Relevance,
            _ => {
                return Err(format!(
                    "unknown sort `{s}`; use one of: {}",
                    SORT_VALUES.join(", ")
                ));
            }
        };
        Ok(Sort { key, descending })
    }
}

impl std::fmt::Display for Sort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.key {
            SortKey::CreatedAt => "created_at",
            SortKey::UpdatedAt => "updated_at",
            SortKey::Priority => "priority",
            SortKey::SlaDue => "sla_due_at",
            SortKey::Relevance => "relevance",
        };
        if self.descending {
            write!(f, "-{name}")
        } else {
            f.write_str(name)
        }
    }
}

/// The position after which the next page starts: the sort values of the
/// last row of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub sort: Sort,
    pub priority: Option<Priority>,
    pub at: NaiveDateTime,
    pub id: String,
    /// The search rank of the last row (relevance order), as its bits so
    /// that it comes back exactly.
    pub rank: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct CursorWire {
    s: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<Priority>,
    t: NaiveDateTime,
    i: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r: Option<u64>,
}

impl Cursor {
    /// The opaque text handed to clients.
    pub fn encode(&self) -> String {
        let wire = CursorWire {
            s: self.sort.to_string(),
            p: self.priority,
            t: self.at,
            i: self.id.clone(),
            r: self.rank,
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).unwrap_or_default())
    }

    /// Reads a cursor back; it must belong to the same sort order.
    pub fn decode(text: &str, sort: Sort) -> Result<Cursor, String> {
        let invalid = || "is not a cursor this listing handed out".to_string();
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let wire: CursorWire = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if wire.s != sort.to_string() {
            return Err(format!(
                "belongs to sort `{}`, not `{sort}`; start again without a cursor",
                wire.s
            ));
        }
        if (sort.key == SortKey::Priority && wire.p.is_none())
            || (sort.key == SortKey::Relevance && wire.r.is_none())
        {
            return Err(invalid());
        }
        Ok(Cursor {
            sort,
            priority: wire.p,
            at: wire.t,
            id: wire.i,
            rank: wire.r,
        })
    }
}

/// Which statuses a listing includes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Any,
    /// `open`: new, triaged, in_progress, on_hold.
    Open,
    /// `done`: resolved, closed, cancelled.
    Done,
    Only(Vec<Status>),
}

impl std::str::FromStr for StatusFilter {
    type Err = String;

    fn from_str(s: &str) -> Result<StatusFilter, String> {
        match s {
            "" | "any" => Ok(StatusFilter::Any),
            "open" => Ok(StatusFilter::Open),
            "done" => Ok(StatusFilter::Done),
            list => list
                .split(',')
                .map(|w| {
                    w.trim()
                        .parse::<Status>()
                        .map_err(|e| format!("{e}, open, done"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(StatusFilter::Only),
        }
    }
}

/// A full-text query reduced to plain word prefixes, safe to hand to FTS5
/// and to PostgreSQL's `to_tsquery` alike. Every word must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms(Vec<String>);

impl SearchTerms {
    /// Most words taken from one query.
    pub const MAX_WORDS: usize = 8;

    /// Words of letters and digits, lowercased and without accents; `None`
    /// when the text has none.
    pub fn parse(text: &str) -> Option<SearchTerms> {
        let words: Vec<String> = fold(text)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(Self::MAX_WORDS)
            .map(|w| w.to_lowercase())
            .collect();
        (!words.is_empty()).then_some(SearchTerms(words))
    }

    /// FTS5 syntax: `"printer"* "toner"*`.
    pub fn fts5(&self) -> String {
        self.0
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// PostgreSQL `to_tsquery` syntax: `printer:* & toner:*`.
    pub fn tsquery(&self) -> String {
        self.0
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// Lowercase without diacritics ("Café" → "cafe"), so both backends match
/// the same words: indexed text and queries are folded alike.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// A listing's filters with names resolved to ids.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: StatusFilter,
    /// `Some(None)`: tickets in no queue.
    pub queue_id: Option<Option<String>>,
    pub category_id: Option<String>,
    /// `Some(None)`: unassigned tickets.
    pub assignee_id: Option<Option<String>>,
    pub requester_id: Option<String>,
    pub priorities: Vec<Priority>,
    pub ticket_type: Option<TicketType>,
    pub text: Option<SearchTerms>,
    /// Only tickets this person requested or watches (requesters).
    pub visible_to: Option<String>,
    /// Whether internal notes count as matches for `text`.
    pub search_internal: bool,
    /// Stored SLA states (`breached`, `at_risk`, …).
    pub sla_states: Vec<String>,
}

/// The SLA states a listing may filter on.
pub const SLA_STATES: &[&str] = &["breached", "at_risk", "running", "paused", "met"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_parses_both_directions_and_rejects_unknown_names() {
        assert_eq!(
            "-updated_at".parse::<Sort>().unwrap(),
            Sort {
                key: SortKey::UpdatedAt,
                descending: true
            }
        );
        assert_eq!("priority".parse::<Sort>().unwrap().to_string(), "priority");
        assert!(
            "subject"
                .parse::<Sort>()
                .unwrap_err()
                .contains("created_at")
        );
    }

    #[test]
    fn cursor_round_trips_and_is_bound_to_its_sort() {
        let sort: Sort = "priority".parse().unwrap();
        let c = Cursor {
            sort,
            priority: Some(Priority::P2),
            at: chrono::DateTime::from_timestamp(1_700_000_000, 123_000)
                .unwrap()
                .naive_utc(),
            id: "0190-abc".into(),
            rank: None,
        };
        let text = c.encode();
        assert_eq!(Cursor::decode(&text, sort).unwrap(), c);
        // A relevance cursor brings its rank back bit for bit.
        let relevance: Sort = "relevance".parse().unwrap();
        let r = Cursor {
            sort: relevance,
            rank: Some((-1.4789915966386554e-06f64).to_bits()),
            ..c.clone()
        };
        let back = Cursor::decode(&r.encode(), relevance).unwrap();
        assert_eq!(back.rank.map(f64::from_bits), Some(-1.4789915966386554e-06));
        assert!("-relevance".parse::<Sort>().is_err());
        let other: Sort = "-created_at".parse().unwrap();
        assert!(
            Cursor::decode(&text, other)
                .unwrap_err()
                .contains("belongs to sort")
        );
        assert!(Cursor::decode("garbage!", sort).is_err());
    }

    #[test]
    fn status_filter_accepts_aliases_and_lists() {
        assert_eq!("open".parse::<StatusFilter>().unwrap(), StatusFilter::Open);
        assert_eq!(
            "new,on_hold".parse::<StatusFilter>().unwrap(),
            StatusFilter::Only(vec![Status::New, Status::OnHold])
        );
        assert!(
            "new,bogus"
                .parse::<StatusFilter>()
                .unwrap_err()
                .contains("bogus")
        );
    }

    #[test]
    fn search_terms_strip_query_syntax_so_any_input_is_safe() {
        let t = SearchTerms::parse(r#"Printer "OR toner* -) NEAR("#).unwrap();
        assert_eq!(t.fts5(), r#""printer"* "or"* "toner"* "near"*"#);
        assert_eq!(t.tsquery(), "printer:* & or:* & toner:* & near:*");
        assert_eq!(SearchTerms::parse("?!*"), None);
        assert_eq!(
            SearchTerms::parse("Grüße Straße").unwrap().tsquery(),
            "gruße:* & straße:*"
        );
        assert_eq!(fold("Café NOVÁK"), "cafe novak");
    }
}
