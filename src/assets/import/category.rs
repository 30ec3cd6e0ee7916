//! Which category a new model belongs to when the export does not say
//! (Intune): `[[assets.category_rules]]`, tried in order, each matching the
//! model name and the OS with whole-string globs (`*`, `?`, any case). The
//! model decides before the OS: Intune writes the OS of an iPhone and of an
//! iPad alike as `iOS/iPadOS`.

use serde::Deserialize;

use crate::assets::domain::Category;
use crate::text::glob_matches;

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// A glob on the model name; absent: any.
    #[serde(default = "any")]
    pub model: String,
    /// A glob on the OS; absent: any.
    #[serde(default = "any")]
    pub os: String,
    pub category: Category,
}

fn any() -> String {
    "*".into()
}

/// The category of the first rule that matches; a laptop when none does.
pub fn categorize(rules: &[CategoryRule], os: Option<&str>, model: &str) -> Category {
    let os = os.unwrap_or("").trim();
    rules
        .iter()
        .find(|r| glob_matches(&r.model, model.trim()) && glob_matches(&r.os, os))
        .map(|r| r.category)
        .unwrap_or(Category::Laptop)
}

/// Checks the table as configuration: each rule names something to match.
pub fn check_rules(rules: &[CategoryRule]) -> Result<(), String> {
    for (i, r) in rules.iter().enumerate() {
        if r.model.trim().is_empty() || r.os.trim().is_empty() {
            return Err(format!(
                "assets.category_rules[{i}]: model and os are globs such as \"*iphone*\" (leave one out to match anything)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table `config/default.toml` ships.
    fn shipped() -> Vec<CategoryRule> {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/default.toml"))
                .unwrap();
        #[derive(Deserialize)]
        struct Doc {
            assets: Assets,
        }
        #[derive(Deserialize)]
        struct Assets {
            category_rules: Vec<CategoryRule>,
        }
        toml::from_str::<toml::Table>(&text)
            .ok()
            .and_then(|t| toml::Value::Table(t).try_into::<Doc>().ok())
            .map(|d| d.assets.category_rules)
            .expect("config/default.toml has [[assets.category_rules]]")
    }

    #[test]
    fn the_shipped_table_files_phones_tablets_desktops_and_laptops() {
        let rules = shipped();
        let cases = [
            ("iOS/iPadOS", "Apple iPhone 14", Category::Phone),
            ("iOS/iPadOS", "iPhone 15 Pro", Category::Phone),
            ("iOS/iPadOS", "iPad Air (5th generation)", Category::Tablet),
            ("iPadOS", "iPad Pro", Category::Tablet),
            ("iOS", "Unknown Apple device", Category::Phone),
            ("Android", "Galaxy S23", Category::Phone),
            ("Android", "Galaxy Tab S9", Category::Tablet),
            ("Windows", "OptiPlex 7010", Category::Desktop),
            ("Windows", "Latitude 7440", Category::Laptop),
            ("Windows Server 2022", "PowerEdge R660", Category::Server),
            ("macOS", "MacBook Pro", Category::Laptop),
            ("macOS", "Mac mini", Category::Desktop),
        ];
        for (os, model, want) in cases {
            assert_eq!(categorize(&rules, Some(os), model), want, "{os} / {model}");
        }
        check_rules(&rules).unwrap();
    }

    #[test]
    fn a_configured_rule_comes_first_and_nothing_matched_is_a_laptop() {
        let rules = vec![CategoryRule {
            model: "*zebra*".into(),
            os: "*".into(),
            category: Category::Peripheral,
        }];
        assert_eq!(
            categorize(&rules, Some("Android"), "Zebra TC52"),
            Category::Peripheral
        );
        assert_eq!(categorize(&rules, None, "Something"), Category::Laptop);
        let bad = vec![CategoryRule {
            model: " ".into(),
            os: "*".into(),
            category: Category::Phone,
        }];
        assert!(check_rules(&bad).unwrap_err().contains("category_rules[0]"));
    }
}
