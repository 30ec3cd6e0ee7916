//! The license register's rules without I/O: the standard clean-up of a
//! discovered name and publisher, and which product (or "excluded", or
//! "unmatched") an installation resolves to under the normalization rules.

use crate::error::FieldError;
use crate::text::glob_matches;

/// Marks dropped from discovered names wherever they stand (any case).
const NAME_NOISE: &[&str] = &[
    "(x64)", "(x86)", "(64-bit)", "(32-bit)", "(64 bit)", "(32 bit)", "®", "™", "(r)", "(tm)",
];

/// Company-form suffixes dropped from publishers.
const PUBLISHER_SUFFIXES: &[&str] = &[
    "corporation",
    "corp.",
    "corp",
    "incorporated",
    "inc.",
    "inc",
    "gmbh",
    "ltd.",
    "ltd",
    "limited",
    "llc",
    "ag",
    "se",
    "s.a.",
    "b.v.",
    "co.",
];

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes `noise` wherever it stands, ignoring case.
fn drop_marks(s: &str, noise: &[&str]) -> String {
    let mut out = s.to_owned();
    for mark in noise {
        loop {
            // ASCII case folding keeps every byte where it is (the marks
            // are ASCII or symbols without case).
            let lower = out.to_ascii_lowercase();
            match lower.find(mark) {
                Some(i) if out.is_char_boundary(i) && out.is_char_boundary(i + mark.len()) => {
                    out.replace_range(i..i + mark.len(), " ");
                }
                _ => break,
            }
        }
    }
    out
}

/// A discovered name as rules see it: trimmed, spaces collapsed, bitness
/// and trademark marks dropped.
pub fn clean_name(raw: &str) -> String {
    collapse(&drop_marks(raw, NAME_NOISE))
}

/// A publisher as rules see it: like a name, and without its company form
/// (`Microsoft Corporation` → `Microsoft`, `Adobe Inc.` → `Adobe`).
pub fn clean_publisher(raw: &str) -> String {
    let mut s = collapse(&drop_marks(raw, NAME_NOISE));
    loop {
        let trimmed = s.trim_end_matches([',', ' ']).to_owned();
        // The suffixes are ASCII: ASCII folding keeps byte offsets.
        let lower = trimmed.to_ascii_lowercase();
        let cut = PUBLISHER_SUFFIXES.iter().find_map(|suffix| {
            let rest = lower.strip_suffix(suffix)?;
            (rest.ends_with(' ') || rest.ends_with(',')).then_some(rest.len())
        });
        match cut {
            Some(n) => s = trimmed[..n].to_owned(),
            None => return trimmed,
        }
    }
}

/// A normalization rule as the resolver reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    /// `None` for an exclude rule.
    pub product_id: Option<String>,
    pub name_pattern: String,
    pub publisher_pattern: Option<String>,
    pub version_pattern: Option<String>,
    pub exclude: bool,
    pub position: i32,
}

impl Rule {
    /// Whether the rule takes a cleaned name, cleaned publisher and version.
    pub fn matches(&self, name: &str, publisher: &str, version: &str) -> bool {
        glob_matches(&self.name_pattern, name)
            && self
                .publisher_pattern
                .as_deref()
                .is_none_or(|p| glob_matches(p, publisher))
            && self
                .version_pattern
                .as_deref()
                .is_none_or(|p| glob_matches(p, version))
    }
}

/// Where an installation belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A product, by the rule that said so.
    Product {
        product_id: String,
        rule_id: String,
    },
    /// Not licensable (a runtime, an update, a language pack).
    Excluded {
        rule_id: String,
    },
    Unmatched,
}

/// The first rule (by position, then id) that matches decides.
pub fn resolve(rules: &[Rule], name: &str, publisher: Option<&str>, version: &str) -> Resolution {
    let (name, publisher) = (clean_name(name), clean_publisher(publisher.unwrap_or("")));
    let version = version.trim();
    let first = rules
        .iter()
        .filter(|r| r.matches(&name, &publisher, version))
        .min_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
    first.map_or(Resolution::Unmatched, decided_by)
}

/// The resolution a matching rule decides.
pub fn decided_by(r: &Rule) -> Resolution {
    match (&r.product_id, r.exclude) {
        (_, true) => Resolution::Excluded {
            rule_id: r.id.clone(),
        },
        (Some(p), false) => Resolution::Product {
            product_id: p.clone(),
            rule_id: r.id.clone(),
        },
        (None, false) => Resolution::Unmatched,
    }
}

/// Rule positions run from 0 to this (room to add after the last).
pub const MAX_POSITION: i32 = 1_000_000_000;

fn only_stars(p: &str) -> bool {
    p.chars().all(|c| c == '*')
}

/// What is wrong with a rule as written (each fault named by its field).
pub fn check_rule(
    product_id: Option<&str>,
    name_pattern: &str,
    publisher_pattern: Option<&str>,
    version_pattern: Option<&str>,
    exclude: bool,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let name = name_pattern.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name_pattern",
            "a pattern such as \"Microsoft Visio*\" (* any text, ? one character)",
        ));
    }
    for (field, p) in [
        ("publisher_pattern", publisher_pattern),
        ("version_pattern", version_pattern),
    ] {
        if p.is_some_and(|p| p.trim().is_empty()) {
            errors.push(FieldError::new(field, "leave it out rather than empty"));
        }
    }
    let everything = !name.is_empty()
        && only_stars(name)
        && publisher_pattern.is_none_or(only_stars)
        && version_pattern.is_none_or(only_stars);
    if everything && !exclude {
        errors.push(FieldError::new(
            "name_pattern",
            "this rule would match every installation: narrow the name, publisher or version",
        ));
    }
    match (exclude, product_id) {
        (false, None) => errors.push(FieldError::new(
            "product_id",
            "a rule names its product (or is an exclude rule)",
        )),
        (true, Some(_)) => errors.push(FieldError::new(
            "product_id",
            "an exclude rule names no product",
        )),
        _ => {}
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_whose_case_changes_length_are_kept_whole() {
        assert_eq!(clean_publisher("ẞẞ GmbH"), "ẞẞ");
        assert_eq!(clean_publisher("İstanbul Yazılım Ltd."), "İstanbul Yazılım");
        assert_eq!(clean_name("KELVIN™ Tool (x64)"), "KELVIN Tool");
    }

    fn rule(
        id: &str,
        pos: i32,
        product: Option<&str>,
        name: &str,
        publisher: Option<&str>,
    ) -> Rule {
        Rule {
            id: id.into(),
            product_id: product.map(Into::into),
            name_pattern: name.into(),
            publisher_pattern: publisher.map(Into::into),
            version_pattern: None,
            exclude: product.is_none(),
            position: pos,
        }
    }

    #[test]
    fn names_and_publishers_are_cleaned_the_standard_way() {
        assert_eq!(
            clean_name("  Microsoft®  Visio   Professional 2021 (x64) "),
            "Microsoft Visio Professional 2021"
        );
        assert_eq!(clean_name("Adobe Acrobat™ (64-bit)"), "Adobe Acrobat");
        assert_eq!(clean_publisher("Microsoft Corporation"), "Microsoft");
        assert_eq!(clean_publisher("Adobe Inc."), "Adobe");
        assert_eq!(clean_publisher("JetBrains s.r.o."), "JetBrains s.r.o.");
        assert_eq!(clean_publisher("TeamViewer GmbH"), "TeamViewer");
        assert_eq!(clean_publisher("Foo, Inc."), "Foo");
        assert_eq!(clean_publisher("Seal AG"), "Seal");
        assert_eq!(clean_publisher("Incorporated"), "Incorporated");
    }

    #[test]
    fn the_first_matching_rule_by_position_decides() {
        let rules = vec![
            rule(
                "r2",
                20,
                Some("visio"),
                "Microsoft Visio*",
                Some("Microsoft"),
            ),
            rule("r1", 10, None, "*Language Pack*", None),
            rule("r3", 30, Some("office"), "Microsoft*", Some("Microsoft")),
        ];
        assert_eq!(
            resolve(
                &rules,
                "Microsoft Visio Professional 2021 (x64)",
                Some("Microsoft Corporation"),
                "16.0"
            ),
            Resolution::Product {
                product_id: "visio".into(),
                rule_id: "r2".into()
            }
        );
        assert_eq!(
            resolve(
                &rules,
                "Microsoft Visio Language Pack - German",
                Some("Microsoft Corporation"),
                "16.0"
            ),
            Resolution::Excluded {
                rule_id: "r1".into()
            }
        );
        assert_eq!(
            resolve(
                &rules,
                "Microsoft Teams",
                Some("Microsoft Corporation"),
                "1.7"
            ),
            Resolution::Product {
                product_id: "office".into(),
                rule_id: "r3".into()
            }
        );
        assert_eq!(resolve(&rules, "curl", None, "7.88"), Resolution::Unmatched);
        let mut versioned = rule("v", 1, Some("sql2019"), "SQL Server*", None);
        versioned.version_pattern = Some("15.*".into());
        assert!(versioned.matches("SQL Server 2019", "Microsoft", "15.0.2000"));
        assert!(!versioned.matches("SQL Server 2022", "Microsoft", "16.0.1000"));
    }

    #[test]
    fn a_rule_is_refused_when_empty_or_matching_everything() {
        let e = check_rule(Some("p"), " ", None, None, false);
        assert_eq!(e[0].field, "name_pattern");
        let e = check_rule(Some("p"), "*", Some("**"), None, false);
        assert!(e[0].message.contains("every installation"), "{e:?}");
        assert!(
            check_rule(None, "*", None, None, true).is_empty(),
            "exclude all is allowed"
        );
        assert_eq!(
            check_rule(None, "Visio*", None, None, false)[0].field,
            "product_id"
        );
        assert_eq!(
            check_rule(Some("p"), "x", None, None, true)[0].field,
            "product_id"
        );
        assert_eq!(
            check_rule(Some("p"), "x", Some(""), None, false)[0].field,
            "publisher_pattern"
        );
    }
}
