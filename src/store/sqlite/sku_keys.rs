//! Re-keying stored SKUs, as a schema upgrade step: databases made before
//! SKU keys became NFKC case folds ([`crate::model::sku_key`]) keyed them with
//! `to_lowercase`, which agrees for ASCII but not for `ß`, a final `ς`,
//! full-width or decomposed letters. Two stored SKUs that the new rule makes
//! one are refused by name (exit 5), so the upgrade rolls back and the file
//! stays as it was.

use std::collections::HashMap;

use rusqlite::{Transaction, params};

use crate::error::{Error, Result};
use crate::model::sku_key;

/// Recomputes every product's `sku_key` inside the upgrade's transaction.
pub fn rekey(tx: &Transaction<'_>) -> Result<()> {
    let products: Vec<(i64, String, String)> = {
        let mut stmt = tx.prepare("SELECT id, sku, sku_key FROM product ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut owner: HashMap<String, &str> = HashMap::new();
    let mut changed = Vec::new();
    for (id, sku, old) in &products {
        let key = sku_key(sku);
        if let Some(first) = owner.insert(key.clone(), sku) {
            return Err(Error::conflict(format!(
                "SKUs {first} and {sku} are the same SKU under Unicode case folding; \
                 this database cannot be upgraded until one of them is renamed"
            )));
        }
        if key != *old {
            changed.push((*id, key));
        }
    }
    // Through a placeholder first, so a new key may take an old one that is
    // itself about to change without tripping the UNIQUE constraint.
    let mut set = tx.prepare("UPDATE product SET sku_key = ?2 WHERE id = ?1")?;
    for (id, _) in &changed {
        set.execute(params![id, format!("\u{1}rekey-{id}")])?;
    }
    for (id, key) in &changed {
        set.execute(params![id, key])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DEFAULT_BUSY_TIMEOUT;
    use crate::store::sqlite::Db;

    fn db_with(products: &[(&str, &str)]) -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let (mut db, _) = Db::init(&dir.path().join("s.db"), DEFAULT_BUSY_TIMEOUT).unwrap();
        db.write(|tx| {
            tx.execute("INSERT INTO company (name, created_at) VALUES ('A', 0)", [])?;
            for (sku, key) in products {
                tx.execute(
                    "INSERT INTO product (company_id, sku, sku_key, name, price_cents, created_at)
                     VALUES (1, ?1, ?2, 'n', 0, 0)",
                    params![sku, key],
                )?;
            }
            Ok(())
        })
        .unwrap();
        (dir, db)
    }

    fn keys(db: &Db) -> Vec<String> {
        let mut stmt = db
            .conn()
            .prepare("SELECT sku_key FROM product ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn old_lower_case_keys_become_nfkc_case_folds() {
        // The old rule's keys: `to_lowercase` of each SKU.
        let (_dir, mut db) = db_with(&[
            ("BOXΣ", "boxς"),
            ("Ｗ-1", "ｗ-1"),
            ("wid-1", "wid-1"),
            ("Å", "å"),
        ]);
        db.write(rekey).unwrap();
        assert_eq!(keys(&db), ["boxσ", "w-1", "wid-1", "å"]);
    }

    #[test]
    fn a_key_may_take_one_that_is_about_to_change() {
        // Hand-edited keys: A's new key is B's old one, and B's changes too
        // (updated in id order without a placeholder, A would hit UNIQUE).
        let (_dir, mut db) = db_with(&[("A", "x"), ("b", "a"), ("STRAßE", "straße")]);
        db.write(rekey).unwrap();
        assert_eq!(keys(&db), ["a", "b", "strasse"]);
    }

    #[test]
    fn skus_that_become_one_are_refused_by_name() {
        let (_dir, mut db) = db_with(&[("STRASSE", "strasse"), ("straße", "straße")]);
        let err = db.write(rekey).unwrap_err();
        assert_eq!(err.exit_code(), 5);
        assert!(err.message().contains("STRASSE and straße"), "{err}");
        assert_eq!(keys(&db), ["strasse", "straße"], "rolled back");
    }
}
