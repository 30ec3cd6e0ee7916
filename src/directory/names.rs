//! Account names from people's names: `directory.username_pattern` filled
//! with ASCII transliterations (a real table, `deunicode`: `Ł` → `L`,
//! `ß` → `ss`, `ø` → `o`, `ı` → `i`, `æ` → `ae`), lowercased, apostrophes
//! dropped; a name taken already gets `2`, `3`, … and on Active Directory
//! the whole `sAMAccountName` keeps within 20 characters.

use super::settings::Flavor;

/// The longest `sAMAccountName` Active Directory accepts (the pre-Windows
/// 2000 logon name).
pub const AD_MAX_ACCOUNT: usize = 20;

/// The placeholders `username_pattern` may use.
pub const PLACEHOLDERS: [&str; 4] = ["{given}", "{surname}", "{given_initial}", "{employee_id}"];

/// What an account name is made of.
#[derive(Debug, Clone, Copy, Default)]
pub struct NameParts<'a> {
    pub given: &'a str,
    pub surname: &'a str,
    pub employee_id: &'a str,
}

/// Checks a pattern: it names at least one placeholder and no unknown one.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    let mut rest = pattern;
    let mut named = false;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').ok_or_else(|| {
            format!("directory.username_pattern `{pattern}` has a `{{` without its `}}`")
        })?;
        let name = &rest[open..open + close + 1];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "directory.username_pattern `{pattern}` names {name}; it may use {}",
                PLACEHOLDERS.join(", ")
            ));
        }
        named = true;
        rest = &rest[open + close + 1..];
    }
    if named {
        Ok(())
    } else {
        Err(format!(
            "directory.username_pattern `{pattern}` names no placeholder such as {{surname}}"
        ))
    }
}

/// One part as it goes into an account name: ASCII, lowercase, letters,
/// digits, `-` for spaces and hyphens, nothing else.
pub fn fold(part: &str) -> String {
    let ascii = deunicode::deunicode(part);
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            ' ' | '-' | '\t' if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            _ => {} // apostrophes, punctuation, anything deunicode left
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The account name the pattern gives, before collisions: `None` when it
/// comes out empty (a name of symbols only).
pub fn base_name(pattern: &str, parts: NameParts<'_>, flavor: Flavor) -> Option<String> {
    let given = fold(parts.given);
    let initial: String = given.chars().take(1).collect();
    let filled = pattern
        .replace("{given_initial}", &initial)
        .replace("{given}", &given)
        .replace("{surname}", &fold(parts.surname))
        .replace("{employee_id}", &fold(parts.employee_id));
    let name = tidy(&filled);
    let name = match flavor {
        Flavor::Ad => tidy(&name.chars().take(AD_MAX_ACCOUNT).collect::<String>()),
        Flavor::OpenLdap => name,
    };
    (!name.is_empty()).then_some(name)
}

/// The `n`th candidate (1 is the base itself; 2, 3, … carry the number),
/// shortened first on AD so that the number fits in 20 characters.
pub fn candidate(base: &str, n: u32, flavor: Flavor) -> String {
    if n <= 1 {
        return base.to_owned();
    }
    let suffix = n.to_string();
    let stem = match flavor {
        Flavor::Ad => {
            let keep = AD_MAX_ACCOUNT.saturating_sub(suffix.len());
            tidy(&base.chars().take(keep).collect::<String>())
        }
        Flavor::OpenLdap => base.to_owned(),
    };
    format!("{stem}{suffix}")
}

/// The first candidate `taken` says is free.
pub fn first_free(base: &str, flavor: Flavor, mut taken: impl FnMut(&str) -> bool) -> String {
    (1..)
        .map(|n| candidate(base, n, flavor))
        .find(|name| !taken(name))
        .expect("an unbounded range has a free name")
}

/// Whether Active Directory takes `name` as a `sAMAccountName`: 1–20
/// characters, none of `" / \ [ ] : ; | = , + * ? < > @` nor 1–31, and not
/// ending in `.`.
pub fn valid_sam_account_name(name: &str) -> bool {
    const FORBIDDEN: &str = "\"/\\[]:;|=,+*?<>@";
    let len = name.chars().count();
    (1..=AD_MAX_ACCOUNT).contains(&len)
        && !name.ends_with('.')
        && !name
            .chars()
            .any(|c| FORBIDDEN.contains(c) || ('\u{1}'..='\u{1f}').contains(&c) || c == '\0')
}

/// Separators collapsed and trimmed: no `..`, `.-`, nor one at either end
/// (AD refuses a trailing `.`).
fn tidy(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let sep = matches!(c, '.' | '-' | '_');
        if sep && (out.is_empty() || out.ends_with(['.', '-', '_'])) {
            continue;
        }
        out.push(c);
    }
    out.trim_end_matches(['.', '-', '_']).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(given: &str, surname: &str) -> String {
        let parts = NameParts {
            given,
            surname,
            employee_id: "",
        };
        base_name("{given}.{surname}", parts, Flavor::OpenLdap).unwrap()
    }

    #[test]
    fn letters_without_a_decomposition_are_transliterated_not_dropped() {
        assert_eq!(name("Zoë", "O'Brien-Łukasiewicz"), "zoe.obrien-lukasiewicz");
        assert_eq!(name("Søren", "Ørsted"), "soren.orsted");
        assert_eq!(name("Jürgen", "Weiß"), "jurgen.weiss");
        assert_eq!(name("Işıl", "Ærø"), "isil.aero");
        assert_eq!(name("Mary Ann", "van der Berg"), "mary-ann.van-der-berg");
        assert_eq!(name("José", "Núñez"), "jose.nunez");
        assert_eq!(name("Ann", "D’Arcy"), "ann.darcy");
        assert_eq!(name("Пётр", "Чайковский"), "piotr.chaikovskii");
    }

    #[test]
    fn separators_never_double_or_end_a_name() {
        assert_eq!(name("", "Smith"), "smith");
        assert_eq!(name("Ann", ""), "ann");
        assert_eq!(name("a*b(c)\\d", "#hash"), "abcd.hash");
        let none = NameParts {
            given: "***",
            surname: "!!!",
            employee_id: "",
        };
        assert_eq!(base_name("{given}.{surname}", none, Flavor::Ad), None);
        let parts = NameParts {
            given: "Kim",
            surname: "Lee",
            employee_id: "E-0042",
        };
        let initial = base_name("{given_initial}{surname}", parts, Flavor::OpenLdap);
        assert_eq!(initial.as_deref(), Some("klee"));
        let id = base_name("u{employee_id}", parts, Flavor::OpenLdap);
        assert_eq!(id.as_deref(), Some("ue-0042"));
    }

    #[test]
    fn collisions_count_up_and_stay_within_twenty_characters_on_ad() {
        let taken = ["kim.lee", "kim.lee2"];
        let free = first_free("kim.lee", Flavor::OpenLdap, |n| taken.contains(&n));
        assert_eq!(free, "kim.lee3");
        let parts = NameParts {
            given: "Maximilian",
            surname: "Oberhausen-Lukasiewicz",
            employee_id: "",
        };
        let base = base_name("{given}.{surname}", parts, Flavor::Ad).unwrap();
        assert_eq!(base, "maximilian.oberhause");
        assert_eq!(candidate(&base, 2, Flavor::Ad), "maximilian.oberhaus2");
        assert_eq!(candidate(&base, 12, Flavor::Ad), "maximilian.oberhau12");
        // Cut just after the dot: the dot goes, AD refuses a trailing one.
        assert_eq!(
            candidate("abcdefghijklmnopqr.st", 2, Flavor::Ad),
            "abcdefghijklmnopqr2"
        );
        for n in 1..200 {
            let c = candidate(&base, n, Flavor::Ad);
            assert!(valid_sam_account_name(&c), "{c}");
        }
    }

    #[test]
    fn ad_refuses_what_its_rules_refuse() {
        for bad in [
            "",
            "a.",
            "a@b",
            "a,b",
            "a\u{7}b",
            "a\"b",
            "abcdefghijklmnopqrstu",
        ] {
            assert!(!valid_sam_account_name(bad), "{bad:?}");
        }
        assert!(valid_sam_account_name("kim.lee"));
    }

    #[test]
    fn patterns_name_known_placeholders() {
        assert!(check_pattern("{given}.{surname}").is_ok());
        assert!(check_pattern("{given_initial}{surname}").is_ok());
        assert!(
            check_pattern("plain")
                .unwrap_err()
                .contains("no placeholder")
        );
        assert!(
            check_pattern("{first}.{surname}")
                .unwrap_err()
                .contains("{first}")
        );
        assert!(check_pattern("{given").unwrap_err().contains("without"));
    }
}
