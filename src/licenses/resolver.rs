//! The normalization rules, ready to resolve many titles: rules sorted by
//! position and indexed by the literal start of their name pattern (the
//! text before the first `*` or `?`, lower-cased), so a title is tried only
//! against the rules whose literal start its name has — in order, the first
//! match deciding, exactly as [`domain::resolve`] does.

use std::collections::{BTreeSet, HashMap};

use super::domain::{self, Resolution, Rule};

/// Rules indexed for resolving.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    rules: Vec<Rule>,
    /// Rules (indices, ascending) by the literal start of their pattern
    /// (`""` for a pattern that starts with a wildcard).
    by_start: HashMap<String, Vec<usize>>,
    /// The byte lengths of those starts.
    lengths: BTreeSet<usize>,
}

/// The lower-cased text of a pattern before its first wildcard.
fn literal_start(pattern: &str) -> String {
    pattern
        .to_lowercase()
        .chars()
        .take_while(|c| *c != '*' && *c != '?')
        .collect()
}

impl Resolver {
    pub fn new(mut rules: Vec<Rule>) -> Resolver {
        rules.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
        let mut r = Resolver::default();
        for (i, rule) in rules.iter().enumerate() {
            let start = literal_start(&rule.name_pattern);
            r.lengths.insert(start.len());
            r.by_start.entry(start).or_default().push(i);
        }
        r.rules = rules;
        r
    }

    /// Where a discovered (raw) name, publisher and version resolve.
    pub fn resolve(&self, name: &str, publisher: &str, version: &str) -> Resolution {
        let name = domain::clean_name(name);
        let publisher = domain::clean_publisher(publisher);
        self.resolve_clean(&name, &publisher, version.trim())
    }

    /// Where an already cleaned name and publisher resolve.
    pub fn resolve_clean(&self, name: &str, publisher: &str, version: &str) -> Resolution {
        let lower = name.to_lowercase();
        let mut candidates: Vec<usize> = self
            .lengths
            .iter()
            .take_while(|len| **len <= lower.len())
            .filter(|len| lower.is_char_boundary(**len))
            .filter_map(|len| self.by_start.get(&lower[..*len]))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates
            .into_iter()
            .map(|i| &self.rules[i])
            .find(|rule| rule.matches(name, publisher, version))
            .map_or(Resolution::Unmatched, domain::decided_by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, position: i32, name: &str, product: Option<&str>) -> Rule {
        Rule {
            id: id.into(),
            product_id: product.map(Into::into),
            name_pattern: name.into(),
            publisher_pattern: None,
            version_pattern: None,
            exclude: product.is_none(),
            position,
        }
    }

    #[test]
    fn indexed_rules_keep_the_first_match_by_position() {
        let rules = vec![
            rule("r1", 3, "Microsoft Visio*", Some("visio")),
            rule("r2", 1, "*Language Pack*", None),
            rule("r3", 2, "microsoft *", Some("generic")),
            rule("r4", 5, "?isual Studio*", Some("vs")),
        ];
        let resolver = Resolver::new(rules.clone());
        for (name, publisher, version) in [
            (
                "Microsoft Visio Professional 2021",
                "Microsoft Corporation",
                "16.0",
            ),
            ("Microsoft Visio Language Pack", "Microsoft", "16.0"),
            ("Visual Studio Code", "Microsoft", "1.9"),
            ("Zoom", "Zoom Video", "5"),
            ("", "", ""),
        ] {
            assert_eq!(
                resolver.resolve(name, publisher, version),
                domain::resolve(&rules, name, Some(publisher), version),
                "{name}"
            );
        }
        assert_eq!(
            resolver.resolve("Microsoft Visio Professional", "", "1"),
            Resolution::Product {
                product_id: "generic".into(),
                rule_id: "r3".into()
            }
        );
    }
}
