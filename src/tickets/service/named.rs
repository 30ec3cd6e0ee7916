//! Queues and categories by id, remembered for the life of the process.
//! Both are only ever inserted, never changed or removed, and their ids
//! are unique across databases (UUIDv7), so a remembered row is never
//! stale and a listing reads its names without a query; an id not seen
//! yet is read once.

use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

use diesel::QueryResult;

use super::super::model::{Category, Queue};
use super::super::repo;
use crate::db::DbConn;

/// Most rows remembered of each; beyond that the memory starts over.
const CAPACITY: usize = 10_000;

static QUEUES: LazyLock<RwLock<HashMap<String, Queue>>> = LazyLock::new(Default::default);
static CATEGORIES: LazyLock<RwLock<HashMap<String, Category>>> = LazyLock::new(Default::default);

/// The queues of `ids` (sorted, without duplicates), by id.
pub(super) fn queues(conn: &mut DbConn, ids: &[String]) -> QueryResult<HashMap<String, Queue>> {
    remembered(
        &QUEUES,
        ids,
        |missing| repo::find_queues(conn, missing),
        |q| &q.id,
    )
}

/// The categories of `ids`, by id.
pub(super) fn categories(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<HashMap<String, Category>> {
    remembered(
        &CATEGORIES,
        ids,
        |missing| repo::find_categories(conn, missing),
        |c| &c.id,
    )
}

fn remembered<T: Clone>(
    memory: &RwLock<HashMap<String, T>>,
    ids: &[String],
    load: impl FnOnce(&[String]) -> QueryResult<Vec<T>>,
    id_of: impl Fn(&T) -> &String,
) -> QueryResult<HashMap<String, T>> {
    let mut found = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    {
        let known = memory.read().unwrap_or_else(PoisonError::into_inner);
        for id in ids {
            match known.get(id) {
                Some(row) => {
                    found.insert(id.clone(), row.clone());
                }
                None => missing.push(id.clone()),
            }
        }
    }
    if missing.is_empty() {
        return Ok(found);
    }
    let loaded = load(&missing)?;
    let mut known = memory.write().unwrap_or_else(PoisonError::into_inner);
    if known.len() + loaded.len() > CAPACITY {
        known.clear();
    }
    for row in loaded {
        known.insert(id_of(&row).clone(), row.clone());
        found.insert(id_of(&row).clone(), row);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(row: &(String, u8)) -> &String {
        &row.0
    }

    #[test]
    fn a_row_is_read_once_and_then_remembered() {
        let memory = RwLock::new(HashMap::new());
        let ids = ["a".to_owned(), "b".to_owned()];
        let first = remembered(
            &memory,
            &ids,
            |missing| {
                assert_eq!(missing, ids);
                Ok(vec![("a".to_owned(), 1), ("b".to_owned(), 2)])
            },
            key,
        )
        .unwrap();
        assert_eq!(first["b"], ("b".to_owned(), 2));
        let again = remembered(
            &memory,
            &["b".to_owned(), "c".to_owned()],
            |missing| {
                assert_eq!(missing, ["c".to_owned()], "only what is not known yet");
                Ok(vec![("c".to_owned(), 3)])
            },
            key,
        )
        .unwrap();
        assert_eq!(again.len(), 2);
        let known = remembered(&memory, &ids, |_| panic!("no query"), key).unwrap();
        assert_eq!(known["a"].1, 1);
    }
}
