//! The normalization rules, ready to resolve many titles: rules sorted by
//! position and bucketed by the first letter of their name pattern, so a
//! title is tried only against the rules that could take it — in order,
//! the first match deciding, exactly as [`domain::resolve`] does.

use std::collections::HashMap;

use super::domain::{self, Resolution, Rule};

/// Rules indexed for resolving.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    rules: Vec<Rule>,
    /// Rules (indices, ascending) whose name pattern starts with a letter.
    by_first: HashMap<char, Vec<usize>>,
    /// Rules whose name pattern starts with `*` or `?`.
    wild: Vec<usize>,
}

fn first_letter(s: &str) -> Option<char> {
    s.chars().next().and_then(|c| c.to_lowercase().next())
}

impl Resolver {
    pub fn new(mut rules: Vec<Rule>) -> Resolver {
        rules.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
        let mut r = Resolver::default();
        for (i, rule) in rules.iter().enumerate() {
            match first_letter(&rule.name_pattern) {
                Some(c) if c != '*' && c != '?' => r.by_first.entry(c).or_default().push(i),
                _ => r.wild.push(i),
            }
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
        let empty = Vec::new();
        let lettered = first_letter(name)
            .and_then(|c| self.by_first.get(&c))
            .unwrap_or(&empty);
        let (mut a, mut b) = (lettered.iter().peekable(), self.wild.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(&&x), Some(&&y)) if x < y => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => return Resolution::Unmatched,
            };
            let rule = &self.rules[*next.expect("peeked")];
            if rule.matches(name, publisher, version) {
                return domain::decided_by(rule);
            }
        }
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
    fn buckets_keep_the_first_match_by_position() {
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
