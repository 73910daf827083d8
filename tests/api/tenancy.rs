//! A token acts for its one company: another company's ids answer 404
//! exactly as ids that do not exist, and nothing is written.

use serde_json::json;

use crate::harness::Api;

#[tokio::test]
async fn another_companys_ids_are_404_exactly_like_missing_ones() {
    let api = Api::new();
    api.product("MINE", 5).await;
    let other = api.sf.company("Other");
    let their_w = api.sf.warehouse(other, "Theirs");
    api.sf.product(
        other,
        "THEIRS",
        &["--warehouse", &their_w.to_string(), "--quantity", "9"],
    );
    let before = api.sf.snapshot();
    let missing_w = 999;
    let pairs: Vec<(String, String, Option<String>)> = [
        ("GET", "/api/products/{sku}", None),
        ("PATCH", "/api/products/{sku}", Some(r#"{"name": "x"}"#.to_owned())),
        ("GET", "/api/stock?sku={sku}", None),
        ("GET", "/api/stock?warehouse_id={w}", None),
        ("GET", "/api/stock/history?sku={sku}", None),
        ("GET", "/api/stock/history?warehouse_id={w}", None),
        ("GET", "/api/companies/{c}/alerts/low-stock", None),
        ("GET", "/api/companies/1/alerts/low-stock?warehouse_id={w}", None),
        ("POST", "/api/stock/adjustments", Some(r#"{"sku": "{sku}", "warehouse_id": 1, "delta": -1, "reason": "sale"}"#.to_owned())),
        ("POST", "/api/stock/adjustments", Some(r#"{"sku": "MINE", "warehouse_id": {w}, "delta": 1, "reason": "receipt"}"#.to_owned())),
        ("POST", "/api/stock/transfers", Some(r#"{"sku": "MINE", "from_warehouse_id": 1, "to_warehouse_id": {w}, "quantity": 1}"#.to_owned())),
        ("POST", "/api/stock/transfers", Some(r#"{"sku": "{sku}", "from_warehouse_id": {w}, "to_warehouse_id": 1, "quantity": 1}"#.to_owned())),
        ("POST", "/api/stock/counts", Some(r#"{"sku": "{sku}", "warehouse_id": 1, "quantity": 1}"#.to_owned())),
        ("POST", "/api/products", Some(r#"{"name": "n", "sku": "NEW", "price": 1, "warehouse_id": {w}, "initial_quantity": 1}"#.to_owned())),
    ]
    .into_iter()
    .map(|(m, p, b)| (m.to_owned(), p.to_owned(), b))
    .collect();
    assert_eq!(
        api.company, 1,
        "the paths above name company 1's warehouse 1"
    );
    for (method, path, body) in pairs {
        let fill = |t: &str, sku: &str, w: i64, c: i64| {
            t.replace("{sku}", sku)
                .replace("{w}", &w.to_string())
                .replace("{c}", &c.to_string())
        };
        let theirs_path = fill(&path, "THEIRS", their_w, other);
        let missing_path = fill(&path, "NOSUCH", missing_w, 999);
        let theirs_body = body.as_deref().map(|b| fill(b, "THEIRS", their_w, other));
        let missing_body = body.as_deref().map(|b| fill(b, "NOSUCH", missing_w, 999));
        let theirs = api
            .call(&method, &theirs_path, theirs_body.as_deref())
            .await
            .error(404, "not_found");
        let missing = api
            .call(&method, &missing_path, missing_body.as_deref())
            .await
            .error(404, "not_found");
        let normalise = |m: &str| {
            m.replace("THEIRS", "X")
                .replace("NOSUCH", "X")
                .replace(&their_w.to_string(), "N")
                .replace("999", "N")
                .replace(&other.to_string(), "N")
        };
        assert_eq!(normalise(&theirs), normalise(&missing), "{method} {path}");
    }
    assert_eq!(api.sf.snapshot(), before, "nothing was written");
    let mine = api.call("GET", "/api/products", None).await.expect(200);
    assert_eq!(mine.as_array().expect("products").len(), 1, "{mine}");
    let stock = api.call("GET", "/api/stock", None).await.expect(200);
    assert!(
        stock
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["sku"] == "MINE")
    );
    let history = api
        .call("GET", "/api/stock/history", None)
        .await
        .expect(200);
    assert!(
        history
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["sku"] == "MINE")
    );
    let w = api.call("GET", "/api/warehouses", None).await.expect(200);
    assert_eq!(
        w,
        json!([{"id": 1, "company_id": 1, "name": "Main", "location": null}])
    );
}
