//! Tags for imported assets whose file gives none, from
//! `[assets] import_tag_pattern` (e.g. `IT-{n:6}` → `IT-000124`): the next
//! number after the highest tag of that form already in the register.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::assets;

/// Where the number of a pattern starts (`{seq`, `{n`) and ends, written
/// as escapes so that the text stays plain.
const SEQ: &str = "\u{7b}seq";
const N: &str = "\u{7b}n";
const CLOSE: char = '\u{7d}';

/// A tag pattern: text around one number, zero-padded to `width`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPattern {
    prefix: String,
    suffix: String,
    width: usize,
}

impl TagPattern {
    /// Reads `PREFIX{n}SUFFIX` or `PREFIX{n:WIDTH}SUFFIX` of
    /// `assets.import_tag_pattern`.
    pub fn parse(s: &str) -> Result<TagPattern, String> {
        Self::parse_setting(s, "assets.import_tag_pattern")
    }

    /// Reads a pattern of the setting `key`: the number is `{n}` or
    /// `{seq}`, zero-padded with `{n:6}` or `{seq:06}`.
    pub fn parse_setting(s: &str, key: &str) -> Result<TagPattern, String> {
        let hint = format!(
            "{key} holds one {{seq}} (or {{seq:06}} for six digits; {{n}} and {{n:6}} say the same), e.g. \"IT-{{seq:06}}\""
        );
        let (start, name) = match (s.find(SEQ), s.find(N)) {
            (Some(i), _) => (i, 4),
            (None, Some(i)) => (i, 2),
            (None, None) => return Err(hint),
        };
        let end = start + s[start..].find(CLOSE).ok_or_else(|| hint.clone())?;
        let width = match &s[start + name..end] {
            "" => 0,
            w => w
                .strip_prefix(':')
                .and_then(|w| w.parse::<usize>().ok())
                .filter(|w| (1..=12).contains(w))
                .ok_or_else(|| hint.clone())?,
        };
        let (prefix, suffix) = (&s[..start], &s[end + 1..]);
        if suffix.contains(N)
            || suffix.contains(SEQ)
            || (prefix.is_empty() && suffix.is_empty() && width == 0)
        {
            return Err(hint);
        }
        if prefix.chars().count() + suffix.chars().count() + width.max(1) > 64 {
            return Err(format!("{key} makes tags longer than 64 characters"));
        }
        Ok(TagPattern {
            prefix: prefix.to_owned(),
            suffix: suffix.to_owned(),
            width,
        })
    }

    /// The number in a tag of this form.
    pub fn number_of(&self, tag: &str) -> Option<u64> {
        let digits = tag.strip_prefix(&self.prefix)?.strip_suffix(&self.suffix)?;
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    }

    pub fn make(&self, n: u64) -> String {
        format!(
            "{}{:0width$}{}",
            self.prefix,
            n,
            self.suffix,
            width = self.width
        )
    }
}

/// Hands out the next free tags of one pattern during an import.
#[derive(Debug, Clone)]
pub struct TagCounter {
    pattern: TagPattern,
    next: u64,
}

impl TagCounter {
    /// Starts after the highest tag of the pattern in the register.
    pub fn load(conn: &mut DbConn, pattern: &TagPattern) -> QueryResult<TagCounter> {
        let like = format!("{}%", pattern.prefix.replace(['%', '_', '\\'], "_"));
        let mut highest = 0;
        let mut after: Option<String> = None;
        // Page through the candidates (few: the tags that start alike).
        loop {
            let mut q = assets::table
                .select(assets::asset_tag)
                .filter(assets::asset_tag.like(&like))
                .order(assets::asset_tag.asc())
                .limit(5000)
                .into_boxed();
            if let Some(a) = &after {
                q = q.filter(assets::asset_tag.gt(a.clone()));
            }
            let tags: Vec<String> = q.load(conn)?;
            for t in &tags {
                if let Some(n) = pattern.number_of(t) {
                    highest = highest.max(n);
                }
            }
            match tags.last() {
                Some(last) if tags.len() == 5000 => after = Some(last.clone()),
                _ => break,
            }
        }
        Ok(TagCounter {
            pattern: pattern.clone(),
            next: highest + 1,
        })
    }

    /// The next tag that `taken` does not hold.
    pub fn take(&mut self, taken: impl Fn(&str) -> bool) -> String {
        loop {
            let tag = self.pattern.make(self.next);
            self.next += 1;
            if !taken(&tag) {
                return tag;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_read_width_and_make_and_read_tags() {
        let p = TagPattern::parse("IT-{n:6}").unwrap();
        assert_eq!(p.make(124), "IT-000124");
        assert_eq!(p.number_of("IT-000124"), Some(124));
        assert_eq!(p.number_of("IT-1234567"), Some(1234567));
        assert_eq!(p.number_of("IT-12a"), None);
        assert_eq!(p.number_of("LAP-000001"), None);
        let q = TagPattern::parse("{n}-HH").unwrap();
        assert_eq!(q.make(7), "7-HH");
        let s = TagPattern::parse_setting("IT-{seq:06}", "assets.tag_pattern").unwrap();
        assert_eq!(s.make(42), "IT-000042");
        assert_eq!(s.number_of("IT-000042"), Some(42));
        assert!(
            TagPattern::parse_setting("IT-{seq}{seq}", "assets.tag_pattern")
                .unwrap_err()
                .starts_with("assets.tag_pattern holds")
        );
        for bad in [
            "IT-",
            "IT-{x}",
            "IT-{n:0}",
            "{n}{n}",
            "IT-{n:99}",
            "{seq:x}",
        ] {
            assert!(TagPattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_counter_skips_tags_already_taken() {
        let mut c = TagCounter {
            pattern: TagPattern::parse("IT-{n:3}").unwrap(),
            next: 5,
        };
        assert_eq!(c.take(|t| t == "IT-005" || t == "IT-006"), "IT-007");
        assert_eq!(c.take(|_| false), "IT-008");
    }
}
