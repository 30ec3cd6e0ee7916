//! The triage list of unmatched installations and a draft rule's
//! preview: both read every present installation once.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::catalog::rule_row;
use super::may_read;
use crate::auth::User;
use crate::db::Db;
use crate::error::AppError;
use crate::ids;
use crate::licenses::domain::{self, Resolution, Rule};
use crate::licenses::dto::{InstallGroup, NewRule, RulePreview};
use crate::licenses::model::RuleRow;
use crate::licenses::repo;

/// One group as it builds up.
#[derive(Default)]
struct Group {
    devices: HashSet<String>,
    installations: usize,
    versions: BTreeSet<String>,
    resolves_to: String,
}

/// Installations grouped by cleaned name and publisher, as they build up.
#[derive(Default)]
struct Groups(BTreeMap<(String, String), Group>);

impl Groups {
    fn add(&mut self, i: &crate::assets::inventory::OpenInstall, resolves_to: String) {
        let key = (
            domain::clean_name(&i.name),
            domain::clean_publisher(i.publisher.as_deref().unwrap_or("")),
        );
        let g = self.0.entry(key).or_insert_with(|| Group {
            resolves_to,
            ..Group::default()
        });
        g.devices.insert(i.asset_id.clone());
        g.installations += 1;
        if g.versions.len() < 5 {
            g.versions.insert(i.version.clone());
        }
    }

    /// The groups, most devices first.
    fn into_list(self) -> Vec<InstallGroup> {
        let mut out: Vec<InstallGroup> = self
            .0
            .into_iter()
            .map(|((name, publisher), g)| InstallGroup {
                name,
                publisher,
                devices: g.devices.len(),
                installations: g.installations,
                versions: g.versions.into_iter().collect(),
                resolves_to: g.resolves_to,
            })
            .collect();
        out.sort_by(|a, b| b.devices.cmp(&a.devices).then_with(|| a.name.cmp(&b.name)));
        out
    }
}

fn described(r: &Resolution) -> String {
    match r {
        Resolution::Product { product_id, .. } => product_id.clone(),
        Resolution::Excluded { .. } => "excluded".into(),
        Resolution::Unmatched => "unmatched".into(),
    }
}

/// Reads every present installation once, in pages.
fn each_install(
    assets: &Db,
    mut f: impl FnMut(&crate::assets::inventory::OpenInstall),
) -> Result<(), AppError> {
    let mut after = String::new();
    loop {
        let page = crate::assets::service::open_installations(assets, &after, 5000)?;
        for i in &page {
            f(i);
        }
        match page.last() {
            Some(last) if page.len() == 5000 => after = last.id.clone(),
            _ => return Ok(()),
        }
    }
}

/// The triage list: unmatched installations grouped by cleaned name and
/// publisher, most devices first — which rule to write next.
pub fn unmatched(db: &Db, actor: &User) -> Result<Vec<InstallGroup>, AppError> {
    may_read(actor)?;
    let rules: Vec<Rule> = db
        .read(|conn| Ok::<_, AppError>(repo::rules(conn)?))?
        .iter()
        .map(RuleRow::rule)
        .collect();
    let mut groups = Groups::default();
    each_install(db, |i| {
        let r = domain::resolve(&rules, &i.name, i.publisher.as_deref(), &i.version);
        if r == Resolution::Unmatched {
            groups.add(i, described(&r));
        }
    })?;
    Ok(groups.into_list())
}

/// What a draft rule would match, and where those installations resolve
/// now (nothing is saved).
pub fn preview(db: &Db, actor: &User, input: &NewRule) -> Result<RulePreview, AppError> {
    may_read(actor)?;
    let draft = db.read(|conn| rule_row(conn, input, 0, ids::now()))?.rule();
    let rules: Vec<Rule> = db
        .read(|conn| Ok::<_, AppError>(repo::rules(conn)?))?
        .iter()
        .map(RuleRow::rule)
        .collect();
    let mut groups = Groups::default();
    let mut devices = HashSet::new();
    let mut installations = 0;
    each_install(db, |i| {
        let name = domain::clean_name(&i.name);
        let publisher = domain::clean_publisher(i.publisher.as_deref().unwrap_or(""));
        if draft.matches(&name, &publisher, i.version.trim()) {
            let now = domain::resolve(&rules, &i.name, i.publisher.as_deref(), &i.version);
            groups.add(i, described(&now));
            devices.insert(i.asset_id.clone());
            installations += 1;
        }
    })?;
    Ok(RulePreview {
        groups: groups.into_list(),
        devices: devices.len(),
        installations,
    })
}
