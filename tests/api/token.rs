//! `token create|list|revoke` through the real binary.

use crate::support::{Sf, argv};

#[test]
fn token_create_prints_the_secret_once_and_stores_only_its_hash() {
    let sf = Sf::new();
    let c = sf.company("Acme");
    let t = sf.json(&argv(&format!(
        "token create --company {c} --name shop --expires 2999-01-01"
    )));
    let secret = t["token"].as_str().expect("token");
    assert!(secret.starts_with("sf_") && secret.len() == 67, "{secret}");
    assert_eq!(
        (
            t["id"].as_i64(),
            t["company_id"].as_i64(),
            t["name"].as_str()
        ),
        (Some(1), Some(c), Some("shop"))
    );
    assert_eq!(t["expires_at"], "2999-01-01T00:00:00Z");
    assert!(t["created_at"].is_string());
    let list = sf.json(&["token", "list"]);
    assert_eq!(list[0]["name"], "shop");
    assert!(list[0].get("token").is_none(), "{list}");
    assert!(
        sf.snapshot().iter().all(|row| !row.contains(secret)),
        "the secret is stored"
    );
    if !sf.is_postgres() {
        // The file's bytes, free pages and write-ahead log included.
        let file = std::fs::read(&sf.db).expect("db file");
        let wal = std::fs::read(sf.db.with_extension("db-wal")).unwrap_or_default();
        let needle = secret.as_bytes();
        for bytes in [file, wal] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "the secret is stored"
            );
        }
    }
    let table = sf
        .run(&["token", "create", "--company", &c.to_string()])
        .ok();
    assert!(
        table.stdout.contains("shown only this once"),
        "{}",
        table.stdout
    );
}

#[test]
fn token_rules_name_the_value() {
    let sf = Sf::new();
    let c = sf.company("Acme").to_string();
    sf.run(&["token", "create", "--company", "9"])
        .fails(4, "company 9 does not exist");
    sf.run(&argv(&format!(
        "token create --company {c} --expires 2001-01-01"
    )))
    .fails(3, "expires must be in the future: 2001-01-01T00:00:00Z");
    sf.run(&["token", "create", "--company", &c, "--expires", "soon"])
        .fails(3, "soon");
    sf.run(&["token", "revoke", "5"])
        .fails(4, "token 5 does not exist");
    sf.run(&["token", "revoke", "x"])
        .fails(3, "token id must be a positive integer: x");
    sf.run(&["token", "list", "--company", "9"])
        .fails(4, "company 9");
    sf.json(&["token", "create", "--company", &c]);
    let revoked = sf.json(&["token", "revoke", "1"]);
    let again = sf.json(&["token", "revoke", "1"]);
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(
        revoked["revoked_at"], again["revoked_at"],
        "revoking again keeps the first time"
    );
    assert_eq!(
        sf.json(&["token", "list"])[0]["revoked_at"],
        revoked["revoked_at"]
    );
}
