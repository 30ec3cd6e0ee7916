//! The shape of `src/`, checked the way an architecture test guards a large
//! code base: every module path each file names — `use crate::…` (groups
//! included), inline `crate::x::y(…)` paths and macros, and `super::…`
//! paths that climb out of their module — must point to the same module or
//! to one on a lower line of the README's list of levels; a context's
//! `repo` and `model` are named only inside it; and a table is queried only
//! by the module that owns it. Visibility hides repos, but only this can
//! forbid a cycle inside one crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The levels, top first, as the README's architecture section lists them
/// between `<!-- levels -->` and `<!-- /levels -->`.
fn levels() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- levels -->")
        .expect("README.md has a <!-- levels --> block");
    let end = readme.find("<!-- /levels -->").expect("and its end");
    readme[start..end]
        .lines()
        .skip(1)
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with("```"))
        .map(|l| {
            l.split(',')
                .map(|m| m.trim().to_owned())
                .filter(|m| !m.is_empty())
                .collect()
        })
        .collect()
}

/// Which module owns each table, from the README's `<!-- tables -->` block
/// (`module: table, table`).
fn owners() -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- tables -->")
        .expect("README.md has a <!-- tables --> block");
    let end = readme.find("<!-- /tables -->").expect("and its end");
    let mut out = BTreeMap::new();
    for line in readme[start..end].lines().skip(1) {
        let line = line.trim().trim_start_matches("- ");
        let Some((module, tables)) = line.split_once(':') else {
            continue;
        };
        for t in tables.split(',') {
            let t = t.trim().trim_matches('`');
            if !t.is_empty() {
                out.insert(t.to_owned(), module.trim().trim_matches('`').to_owned());
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/tickets/service/create.rs` → `["tickets", "service", "create"]`;
/// `mod.rs` names its folder.
fn module_path(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root().join("src")).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The text without comments and string literals, so that paths named in
/// docs or messages do not count.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if b[i] == b'r'
            && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
            && (i == 0 || !(b[i - 1] as char).is_alphanumeric() && b[i - 1] != b'_')
        {
            // raw string r"…" or r#"…"#
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(b[i] as char);
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while j < b.len() && !b[j..].starts_with(&close) {
                j += 1;
            }
            i = j + close.len();
            out.push_str("\"\"");
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            i += 3; // a char literal such as '"'
        } else if b[i] == b'\'' && b.get(i + 1) == Some(&b'\\') {
            i += 2;
            while i < b.len() && b[i] != b'\'' {
                i += 1;
            }
            i += 1;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Every path the code names, as segments from the crate root: `crate::a::b`,
/// the members of `use crate::{a::b, c}` and `use super::…` resolved against
/// the file's own module.
fn paths(code: &str, here: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for (i, _) in code.match_indices("crate::") {
        if i > 0
            && (bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b'$')
        {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if rest.starts_with('{') {
            // use crate::{a::b, c::{d, e}}: the first segment of each member
            let mut depth = 0;
            let mut member_start = true;
            for (j, c) in rest.char_indices() {
                match c {
                    '{' => {
                        depth += 1;
                        if depth == 1 {
                            member_start = true;
                            continue;
                        }
                    }
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        member_start = true;
                        continue;
                    }
                    _ => {}
                }
                if depth == 1 && member_start && !c.is_whitespace() {
                    member_start = false;
                    let seg = ident_at(&rest[j..]);
                    if !seg.is_empty() {
                        out.push(vec![seg.to_owned()]);
                    }
                }
            }
        } else {
            out.push(segments(rest));
        }
    }
    for (i, _) in code.match_indices("super::") {
        if i > 0
            && (bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':')
        {
            continue;
        }
        let mut base: Vec<String> = here.to_vec();
        let mut rest = &code[i..];
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        if rest.starts_with('{') || base.is_empty() {
            // super::{…} from a top-level file, or a climb to the root
            if base.is_empty() {
                if let Some(inner) = rest.strip_prefix('{') {
                    for member in inner.split('}').next().unwrap_or("").split(',') {
                        let seg = ident_at(member.trim());
                        if !seg.is_empty() {
                            out.push(vec![seg.to_owned()]);
                        }
                    }
                } else {
                    out.push(segments(rest));
                }
            }
            continue;
        }
        let mut full = base;
        full.extend(segments(rest));
        out.push(full);
    }
    out
}

fn segments(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let seg = ident_at(rest);
        if seg.is_empty() {
            break;
        }
        out.push(seg.to_owned());
        match rest[seg.len()..].strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    out
}

/// Macros exported at the crate root, by the module that defines them.
fn macro_home(name: &str) -> Option<&'static str> {
    match name {
        "insert_all" | "text_enum" => Some("db"),
        _ => None,
    }
}

#[test]
fn modules_use_only_those_on_lower_levels_and_tables_they_own() {
    let levels = levels();
    let level_of: BTreeMap<String, usize> = levels
        .iter()
        .enumerate()
        .flat_map(|(i, line)| line.iter().map(move |m| (m.clone(), i)))
        .collect();
    let owners = owners();
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    let mut top_modules = BTreeSet::new();
    let mut problems = Vec::new();
    for file in &files {
        let here = module_path(file);
        if here.first().is_some_and(|m| m == "main") {
            continue; // the binary uses the library from outside
        }
        let top = here[0].clone();
        top_modules.insert(top.clone());
        let Some(&my_level) = level_of.get(&top) else {
            problems.push(format!(
                "{}: module `{top}` is on no level of the README's list",
                file.display()
            ));
            continue;
        };
        let code = code_only(&std::fs::read_to_string(file).unwrap());
        let rel = file.strip_prefix(root()).unwrap().display().to_string();
        for path in paths(&code, &here) {
            let Some(first) = path.first() else { continue };
            let target = macro_home(first)
                .map(str::to_owned)
                .unwrap_or_else(|| first.clone());
            if target == top {
                continue;
            }
            let Some(&their_level) = level_of.get(&target) else {
                continue; // a re-export at the root or a local item
            };
            if their_level <= my_level && top != "lib" {
                problems.push(format!(
                    "{rel}: `{top}` may not use `{}` (line {} of the levels is not below line {})",
                    path.join("::"),
                    their_level + 1,
                    my_level + 1
                ));
            }
            if path.get(1).is_some_and(|s| s == "repo" || s == "model") {
                problems.push(format!(
                    "{rel}: `{}` is private to `{target}`; call its service",
                    path.join("::")
                ));
            }
            if target == "db" && path.get(1).is_some_and(|s| s == "schema") {
                let tables: Vec<String> = match path.get(2) {
                    Some(t) => vec![t.clone()],
                    None => Vec::new(),
                };
                for t in tables {
                    check_owner(&owners, &t, &top, &rel, &mut problems);
                }
            }
        }
        // use crate::db::schema::{a, b}
        for (i, _) in code.match_indices("schema::{") {
            let inner = &code[i + "schema::{".len()..];
            for t in inner.split('}').next().unwrap_or("").split(',') {
                let t = ident_at(t.trim());
                if !t.is_empty() && t != "self" {
                    check_owner(&owners, t, &top, &rel, &mut problems);
                }
            }
        }
    }
    for m in level_of.keys() {
        if !top_modules.contains(m) && m != "main" {
            problems.push(format!(
                "the README's levels name `{m}`, which src/ does not have"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems with the module structure:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn check_owner(
    owners: &BTreeMap<String, String>,
    table: &str,
    top: &str,
    rel: &str,
    problems: &mut Vec<String>,
) {
    match owners.get(table) {
        Some(owner) if owner == top => {}
        Some(owner) => problems.push(format!(
            "{rel}: `{top}` names table `{table}`, which `{owner}` owns"
        )),
        None => problems.push(format!(
            "{rel}: table `{table}` has no owner in the README's table list"
        )),
    }
}

#[test]
fn the_checker_reads_paths_as_the_compiler_does() {
    let here = vec![
        "tickets".to_owned(),
        "service".to_owned(),
        "create".to_owned(),
    ];
    let code = code_only(
        "use crate::{auth::{self, User}, sla};\n\
         use super::super::repo; // crate::mail in a comment\n\
         let s = \"crate::assets in a string\";\n\
         crate::insert_all!(conn, t, rows);\n\
         super::super::super::web::x();",
    );
    let found: Vec<String> = paths(&code, &here).iter().map(|p| p.join("::")).collect();
    assert_eq!(
        found,
        ["auth", "sla", "insert_all", "tickets::repo", "web::x"],
        "{code}"
    );
    assert_eq!(
        module_path(&root().join("src/tickets/service/mod.rs")),
        ["tickets", "service"]
    );
}
