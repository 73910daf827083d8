//! Every route in-process: success shapes, error statuses, exact money.

use serde_json::{Value, json};

use crate::harness::{Api, Holder, strings, token};

#[tokio::test]
async fn health_and_openapi_need_no_token() {
    let api = Api::new();
    let health = api.send("GET", "/api/health", None, &[]).await.expect(200);
    assert_eq!(health, json!({"status": "ok"}));
    let doc = api
        .send("GET", "/api/openapi.json", None, &[])
        .await
        .expect(200);
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
}

#[tokio::test]
async fn openapi_lists_every_route_of_the_spec() {
    let api = Api::new();
    let doc = api
        .send("GET", "/api/openapi.json", None, &[])
        .await
        .expect(200);
    let mut routes: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .expect("operations")
                .keys()
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    routes.sort();
    assert_eq!(
        routes,
        [
            "GET /api/companies/{company_id}/alerts/low-stock",
            "GET /api/companies/{company_id}/reorder-plan",
            "GET /api/health",
            "GET /api/openapi.json",
            "GET /api/orders",
            "GET /api/orders/{id}",
            "GET /api/products",
            "GET /api/products/{sku}",
            "GET /api/stock",
            "GET /api/stock/history",
            "GET /api/suppliers",
            "GET /api/warehouses",
            "PATCH /api/products/{sku}",
            "POST /api/orders",
            "POST /api/orders/{id}/close",
            "POST /api/orders/{id}/receipts",
            "POST /api/products",
            "POST /api/stock/adjustments",
            "POST /api/stock/counts",
            "POST /api/stock/transfers",
            "POST /api/suppliers",
            "POST /api/warehouses",
        ]
    );
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in [
        "NewProductBody",
        "NewWarehouseBody",
        "NewSupplierBody",
        "AdjustBody",
        "Product",
        "Movement",
        "Report",
        "Alert",
        "Money",
    ] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    assert_eq!(
        schemas["Money"]["type"], "string",
        "money is a decimal string, never a float"
    );
    assert_eq!(
        doc["paths"]["/api/companies/{company_id}/alerts/low-stock"]["get"]["responses"]["200"]["content"]
            ["application/json"]["schema"]["$ref"],
        "#/components/schemas/Report"
    );
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            assert_eq!(
                op["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error",
                "{method} {path} documents its error answer"
            );
        }
    }
    let create = &doc["paths"]["/api/products"]["post"];
    assert_eq!(create["security"], json!([{"bearer": []}]));
    assert!(doc["paths"]["/api/health"]["get"].get("security").is_none());
}

#[tokio::test]
async fn post_products_takes_the_case_study_body_and_answers_201_with_location() {
    let api = Api::new();
    let body = json!({
        "name": "Widget A", "sku": "WID-001", "price": 19.99,
        "warehouse_id": api.warehouse, "initial_quantity": 100
    });
    let res = api
        .call("POST", "/api/products", Some(&body.to_string()))
        .await;
    assert_eq!(res.headers["location"], "/api/products/WID-001");
    let p = res.expect(201);
    assert_eq!(p["sku"], "WID-001");
    assert_eq!(p["price"], "19.99");
    assert_eq!(p["company_id"], api.company);
    let shown = api
        .call("GET", "/api/products/wid-001", None)
        .await
        .expect(200);
    assert_eq!(shown["stock"][0]["quantity"], 100);
    assert_eq!(api.sf.stock("WID-001", api.warehouse), 100);
    assert_eq!(api.sf.ledger_rows(), 1);
}

#[tokio::test]
async fn money_in_json_is_read_from_its_decimal_text() {
    let api = Api::new();
    let create =
        |sku: &str, price: &str| format!(r#"{{"name": "n", "sku": "{sku}", "price": {price}}}"#);
    let p = api
        .call("POST", "/api/products", Some(&create("A", "0.1")))
        .await
        .expect(201);
    assert_eq!(p["price"], "0.10");
    let p = api
        .call("POST", "/api/products", Some(&create("B", "\"19.90\"")))
        .await
        .expect(201);
    assert_eq!(p["price"], "19.90");
    let p = api
        .call("POST", "/api/products", Some(&create("C", "99999999.99")))
        .await
        .expect(201);
    assert_eq!(p["price"], "99999999.99");
    let msg = api
        .call("POST", "/api/products", Some(&create("D", "19.999")))
        .await
        .error(422, "invalid_input");
    assert_eq!(msg, "price must have at most 2 decimal places: 19.999");
    for bad in ["1e3", "-1", "\"abc\"", "true", "null", "100000000"] {
        api.call("POST", "/api/products", Some(&create("E", bad)))
            .await
            .error(422, "invalid_input");
    }
    assert_eq!(
        api.sf
            .json(&["product", "list"])
            .as_array()
            .expect("list")
            .len(),
        3
    );
}

#[tokio::test]
async fn bodies_that_are_not_json_or_have_unknown_keys_are_400_bad_values_422() {
    let api = Api::new();
    let msg = api
        .call("POST", "/api/products", Some("{not json"))
        .await
        .error(400, "invalid_input");
    assert!(msg.contains("not JSON"), "{msg}");
    let msg = api
        .call(
            "POST",
            "/api/products",
            Some(r#"{"name":"n","sku":"S","price":"1","colour":"red"}"#),
        )
        .await
        .error(400, "invalid_input");
    assert!(msg.contains("\"colour\""), "{msg}");
    api.call("POST", "/api/products", Some(r#"{"name":"n","price":"1"}"#))
        .await
        .error(422, "invalid_input");
    api.call(
        "POST",
        "/api/products",
        Some(r#"{"name":"n","sku":"has space","price":"1"}"#),
    )
    .await
    .error(422, "invalid_input");
    api.call("POST", "/api/products", Some("[1, 2]"))
        .await
        .error(422, "invalid_input");
    let msg = api
        .call(
            "POST",
            "/api/products",
            Some(r#"{"name":"n","sku":"S","price":"1","warehouse_id":1}"#),
        )
        .await
        .error(422, "invalid_input");
    assert!(msg.contains("both or neither"), "{msg}");
    api.call("GET", "/api/products?colour=red", None)
        .await
        .error(400, "invalid_input");
    api.call("GET", "/api/products?limit=-1", None)
        .await
        .error(422, "invalid_input");
    assert_eq!(api.sf.json(&["product", "list"]), json!([]));
}

#[tokio::test]
async fn a_duplicate_sku_is_409_whatever_its_case() {
    let api = Api::new();
    api.product("WID-1", 5).await;
    let body = json!({"name": "n", "sku": "wid-1", "price": 1});
    let msg = api
        .call("POST", "/api/products", Some(&body.to_string()))
        .await
        .error(409, "conflict");
    assert_eq!(msg, "sku already exists: wid-1");
    assert_eq!(api.sf.ledger_rows(), 1);
}

#[tokio::test]
async fn unauthorized_answers_are_401_with_www_authenticate_bearer() {
    let api = Api::new();
    let revoked = token(&api.sf, api.company);
    let list = api.sf.json(&["token", "list"]);
    let revoked_id = list.as_array().expect("tokens").last().expect("token")["id"].to_string();
    api.sf.run(&["token", "revoke", &revoked_id]).ok();
    let expired = crate::support::off_runtime(|| {
        let mut db =
            stockflow::store::Db::open(&api.sf.db, std::time::Duration::from_secs(5)).expect("db");
        let past = stockflow::Ctx {
            now: stockflow::model::Timestamp::parse("2020-01-01").expect("time"),
            actor: "t".into(),
        };
        let until = stockflow::model::Timestamp::parse("2020-01-02").ok();
        let created = stockflow::ops::token::create(
            &mut db,
            &past,
            stockflow::model::CompanyId::new(api.company).expect("company id"),
            None,
            until,
        )
        .expect("token");
        created.secret.expose().to_owned()
    });
    let unknown = format!("sf_{}", "0".repeat(64));
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("missing", vec![]),
        (
            "not bearer",
            vec![("authorization", format!("Basic {}", api.token))],
        ),
        (
            "malformed",
            vec![("authorization", "Bearer nonsense".to_owned())],
        ),
        (
            "unknown",
            vec![("authorization", format!("Bearer {unknown}"))],
        ),
        (
            "revoked",
            vec![("authorization", format!("Bearer {revoked}"))],
        ),
        (
            "expired",
            vec![("authorization", format!("Bearer {expired}"))],
        ),
    ];
    for (case, headers) in cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = api.send("GET", "/api/products", None, &headers).await;
        assert_eq!(res.headers["www-authenticate"], "Bearer", "{case}");
        res.error(401, "unauthorized");
        let body = json!({"name": "n", "sku": "S", "price": 1}).to_string();
        api.send("POST", "/api/products", Some(&body), &headers)
            .await
            .error(401, "unauthorized");
    }
    assert_eq!(api.sf.json(&["product", "list"]), json!([]));
    api.call("GET", "/api/products", None).await.expect(200);
}

#[tokio::test]
async fn wrong_method_405_unknown_route_404_big_body_413() {
    let api = Api::new();
    api.call("DELETE", "/api/products", None)
        .await
        .error(405, "method_not_allowed");
    api.call("PUT", "/api/stock/adjustments", None)
        .await
        .error(405, "method_not_allowed");
    api.call("GET", "/api/nothing", None)
        .await
        .error(404, "not_found");
    api.send("GET", "/", None, &[])
        .await
        .error(404, "not_found");
    let big = format!(
        r#"{{"name": "{}", "sku": "S", "price": 1}}"#,
        "x".repeat(16 << 20)
    );
    api.call("POST", "/api/products", Some(&big))
        .await
        .error(413, "too_large");
    assert_eq!(api.sf.json(&["product", "list"]), json!([]));
}

#[tokio::test]
async fn products_list_show_update() {
    let api = Api::new();
    api.product("B-2", 0).await;
    api.product("A-1", 3).await;
    let list = api.call("GET", "/api/products", None).await.expect(200);
    let skus: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["sku"].as_str().expect("sku"))
        .collect();
    assert_eq!(skus, ["A-1", "B-2"]);
    let page = api
        .call("GET", "/api/products?limit=1&offset=1", None)
        .await
        .expect(200);
    assert_eq!(page[0]["sku"], "B-2");
    assert_eq!(page.as_array().expect("page").len(), 1);
    let patched = api
        .call(
            "PATCH",
            "/api/products/A-1",
            Some(r#"{"price": 2.5, "threshold": 7, "type": "tool"}"#),
        )
        .await
        .expect(200);
    assert_eq!(
        (
            patched["price"].clone(),
            patched["threshold"].clone(),
            patched["type"].clone()
        ),
        (json!("2.50"), json!(7), json!("tool"))
    );
    let cleared = api
        .call("PATCH", "/api/products/A-1", Some(r#"{"threshold": null}"#))
        .await
        .expect(200);
    assert_eq!(cleared["threshold"], Value::Null);
    assert_eq!(cleared["price"], "2.50");
    api.call("PATCH", "/api/products/A-1", Some(r#"{"price": 2.555}"#))
        .await
        .error(422, "invalid_input");
    api.call("PATCH", "/api/products/NOPE", Some(r#"{"name": "x"}"#))
        .await
        .error(404, "not_found");
    api.call("GET", "/api/products/NOPE", None)
        .await
        .error(404, "not_found");
    let cli = api.sf.json(&["product", "show", "A-1"]);
    let http = api.call("GET", "/api/products/A-1", None).await.expect(200);
    assert_eq!(http, cli, "product show through both doors");
}

#[tokio::test]
async fn warehouses_and_suppliers_list_and_create() {
    let api = Api::new();
    let w = api
        .call(
            "POST",
            "/api/warehouses",
            Some(r#"{"name": "North", "location": "Oslo"}"#),
        )
        .await
        .expect(201);
    assert_eq!(
        (w["company_id"].as_i64(), w["location"].as_str()),
        (Some(api.company), Some("Oslo"))
    );
    api.call("POST", "/api/warehouses", Some(r#"{"name": "north"}"#))
        .await
        .error(409, "conflict");
    let list = api.call("GET", "/api/warehouses", None).await.expect(200);
    assert_eq!(
        list,
        api.sf
            .json(&["warehouse", "list", "--company", &api.company.to_string()])
    );
    let s = api
        .call(
            "POST",
            "/api/suppliers",
            Some(r#"{"name": "Supplier Corp", "email": "orders@supplier.com", "phone": "+1 555"}"#),
        )
        .await
        .expect(201);
    assert_eq!(s["contact_email"], "orders@supplier.com");
    api.call(
        "POST",
        "/api/suppliers",
        Some(r#"{"name": "X", "email": "nope"}"#),
    )
    .await
    .error(422, "invalid_input");
    let list = api.call("GET", "/api/suppliers", None).await.expect(200);
    assert_eq!(list.as_array().expect("suppliers").len(), 1);
    assert_eq!(list[0]["phone"], "+1 555");
}

#[tokio::test]
async fn adjustments_one_or_many_all_or_nothing() {
    let api = Api::new();
    api.product("P", 10).await;
    let w = api.warehouse;
    let one = json!({"sku": "P", "warehouse_id": w, "delta": -3, "reason": "sale", "reference": "order-1"});
    let moved = api
        .call("POST", "/api/stock/adjustments", Some(&one.to_string()))
        .await
        .expect(201);
    // One body, one plain movement: the object `stock adjust` prints.
    assert!(moved.is_object(), "{moved}");
    assert_eq!(moved["quantity"], 7);
    assert_eq!(moved["reference"], "order-1");
    assert!(
        moved["actor"]
            .as_str()
            .expect("actor")
            .starts_with("token:")
    );
    let single = json!([{"sku": "P", "warehouse_id": w, "delta": 1, "reason": "receipt"}]);
    let moved = api
        .call("POST", "/api/stock/adjustments", Some(&single.to_string()))
        .await
        .expect(201);
    assert_eq!(
        moved[0]["quantity"], 8,
        "an array body answers an array: {moved}"
    );
    let many = json!([
        {"sku": "P", "warehouse_id": w, "delta": 5, "reason": "receipt"},
        {"sku": "P", "warehouse_id": w, "delta": -14, "reason": "sale"}
    ]);
    let msg = api
        .call("POST", "/api/stock/adjustments", Some(&many.to_string()))
        .await
        .error(409, "conflict");
    assert!(msg.contains("stock"), "{msg}");
    assert_eq!(
        api.sf.stock("P", w),
        8,
        "the receipt before the refused sale was rolled back"
    );
    let many = json!([
        {"sku": "P", "warehouse_id": w, "delta": 5, "reason": "receipt"},
        {"sku": "P", "warehouse_id": w, "delta": -13, "reason": "sale", "at": "2026-01-15"}
    ]);
    let moved = api
        .call("POST", "/api/stock/adjustments", Some(&many.to_string()))
        .await
        .expect(201);
    assert_eq!(moved[1]["quantity"], 0);
    assert_eq!(moved[1]["occurred_at"], "2026-01-15T00:00:00Z");
    let bad = json!([{"sku": "P", "warehouse_id": w, "delta": 1, "reason": "receipt"}, {"sku": "P", "warehouse_id": w, "delta": 1, "reason": "gift"}]);
    let msg = api
        .call("POST", "/api/stock/adjustments", Some(&bad.to_string()))
        .await
        .error(422, "invalid_input");
    assert!(msg.starts_with("item 2: unknown reason"), "{msg}");
    let zero = json!({"sku": "P", "warehouse_id": w, "delta": 0, "reason": "sale"});
    api.call("POST", "/api/stock/adjustments", Some(&zero.to_string()))
        .await
        .error(422, "invalid_input");
    api.call("POST", "/api/stock/adjustments", Some("[]"))
        .await
        .error(422, "invalid_input");
    assert_eq!(api.sf.ledger_rows(), 5);
}

#[tokio::test]
async fn transfers_and_counts() {
    let api = Api::new();
    api.product("P", 10).await;
    let north = api
        .call("POST", "/api/warehouses", Some(r#"{"name": "North"}"#))
        .await
        .expect(201)["id"]
        .clone();
    let t = json!({"sku": "P", "from_warehouse_id": api.warehouse, "to_warehouse_id": north, "quantity": 4});
    let moved = api
        .call("POST", "/api/stock/transfers", Some(&t.to_string()))
        .await
        .expect(201);
    assert_eq!(
        (moved[0]["reason"].as_str(), moved[1]["reason"].as_str()),
        (Some("transfer_out"), Some("transfer_in"))
    );
    assert_eq!(
        (moved[0]["quantity"].as_i64(), moved[1]["quantity"].as_i64()),
        (Some(6), Some(4))
    );
    let t = json!({"sku": "P", "from_warehouse_id": api.warehouse, "to_warehouse_id": north, "quantity": 40});
    api.call("POST", "/api/stock/transfers", Some(&t.to_string()))
        .await
        .error(409, "conflict");
    let c = json!({"sku": "P", "warehouse_id": api.warehouse, "quantity": 6});
    let same = api
        .call("POST", "/api/stock/counts", Some(&c.to_string()))
        .await
        .expect(200);
    assert_eq!(same, Value::Null);
    let c = json!({"sku": "P", "warehouse_id": api.warehouse, "quantity": 5, "note": "shelf"});
    let m = api
        .call("POST", "/api/stock/counts", Some(&c.to_string()))
        .await
        .expect(201);
    assert_eq!(
        (
            m["delta"].as_i64(),
            m["reason"].as_str(),
            m["quantity"].as_i64()
        ),
        (Some(-1), Some("count"), Some(5))
    );
}

#[tokio::test]
async fn stock_list_and_history_with_after_id_oldest_first() {
    let api = Api::new();
    api.product("P", 10).await;
    api.product("Q", 1).await;
    for delta in [-1, -2, -3] {
        let a =
            json!({"sku": "P", "warehouse_id": api.warehouse, "delta": delta, "reason": "sale"});
        api.call("POST", "/api/stock/adjustments", Some(&a.to_string()))
            .await
            .expect(201);
    }
    let rows = api.call("GET", "/api/stock", None).await.expect(200);
    assert_eq!(
        rows,
        api.sf
            .json(&["stock", "list", "--company", &api.company.to_string()])
    );
    let only = api.call("GET", "/api/stock?sku=Q", None).await.expect(200);
    assert_eq!(only.as_array().expect("rows").len(), 1);
    let newest = api
        .call("GET", "/api/stock/history?sku=P&limit=2", None)
        .await
        .expect(200);
    let ids = |v: &Value| -> Vec<i64> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|m| m["id"].as_i64().expect("id"))
            .collect()
    };
    assert_eq!(ids(&newest), [5, 4]);
    let feed = api
        .call("GET", "/api/stock/history?after_id=2", None)
        .await
        .expect(200);
    assert_eq!(ids(&feed), [3, 4, 5]);
    let feed = api
        .call("GET", "/api/stock/history?after_id=3&limit=1", None)
        .await
        .expect(200);
    assert_eq!(ids(&feed), [4]);
    let all = api
        .call("GET", "/api/stock/history", None)
        .await
        .expect(200);
    let cli = api.sf.json(&["stock", "history"]);
    assert_eq!(all, cli, "history through both doors");
    api.call("GET", "/api/stock/history?since=yesterday", None)
        .await
        .error(422, "invalid_input");
}

#[tokio::test]
async fn idempotency_key_replays_the_stored_answer_and_writes_once() {
    let api = Api::new();
    api.product("P", 10).await;
    let sale = json!({"sku": "P", "warehouse_id": api.warehouse, "delta": -1, "reason": "sale"})
        .to_string();
    let auth = format!("Bearer {}", api.token);
    let headers = [
        ("authorization", auth.as_str()),
        ("idempotency-key", "order-77"),
    ];
    let first = api
        .send("POST", "/api/stock/adjustments", Some(&sale), &headers)
        .await
        .expect(201);
    let again = api
        .send("POST", "/api/stock/adjustments", Some(&sale), &headers)
        .await
        .expect(201);
    assert_eq!(first, again);
    assert_eq!(api.sf.stock("P", api.warehouse), 9);
    let other = json!({"sku": "P", "warehouse_id": api.warehouse, "delta": -2, "reason": "sale"})
        .to_string();
    api.send("POST", "/api/stock/adjustments", Some(&other), &headers)
        .await
        .error(409, "conflict");
    let p = json!({"name": "n", "sku": "NEW", "price": 1}).to_string();
    api.send("POST", "/api/products", Some(&p), &headers)
        .await
        .error(409, "conflict");
    assert_eq!(api.sf.stock("P", api.warehouse), 9);
    let create = [("authorization", auth.as_str()), ("idempotency-key", "p-1")];
    let res = api.send("POST", "/api/products", Some(&p), &create).await;
    assert_eq!(res.headers["location"], "/api/products/NEW");
    let replay = api.send("POST", "/api/products", Some(&p), &create).await;
    assert_eq!(
        replay.headers["location"], "/api/products/NEW",
        "Location is replayed too"
    );
    assert_eq!(res.expect(201), replay.expect(201));
    for bad in ["", "has space", &"k".repeat(256)] {
        let h = [("authorization", auth.as_str()), ("idempotency-key", bad)];
        api.send("POST", "/api/stock/adjustments", Some(&sale), &h)
            .await
            .error(422, "invalid_input");
    }
    assert_eq!(api.sf.stock("P", api.warehouse), 9);
}

#[tokio::test]
async fn a_writer_holding_the_file_past_the_busy_timeout_is_503_with_retry_after() {
    let api = Api::with_busy_timeout(std::time::Duration::from_millis(100));
    api.product("P", 5).await;
    let holder = Holder::new(&api.sf);
    let sale = json!({"sku": "P", "warehouse_id": api.warehouse, "delta": -1, "reason": "sale"});
    let res = api
        .call("POST", "/api/stock/adjustments", Some(&sale.to_string()))
        .await;
    assert_eq!(res.headers["retry-after"], "1");
    let msg = res.error(503, "busy");
    assert!(
        !msg.contains(&*api.sf.dir.path().to_string_lossy()),
        "no server path: {msg}"
    );
    assert!(
        !msg.contains("SQL") && !msg.contains("LOCK") && !msg.contains("stockflow@"),
        "no SQL or login: {msg}"
    );
    drop(holder);
    api.call("POST", "/api/stock/adjustments", Some(&sale.to_string()))
        .await
        .expect(201);
    assert_eq!(api.sf.stock("P", api.warehouse), 4);
}

#[tokio::test]
async fn idempotency_keys_are_kept_24_hours_and_cleaned_by_later_keyed_writes() {
    let api = Api::new();
    api.product("P", 10).await;
    let now = chrono::Utc::now().timestamp();
    let zeros = if api.sf.is_postgres() {
        "decode(repeat('00', 32), 'hex')"
    } else {
        "zeroblob(32)"
    };
    for (key, age) in [("old", 24 * 3600 + 60), ("recent", 23 * 3600)] {
        let insert = format!(
            "INSERT INTO idempotency_key (company_id, key, request_hash, status, body, created_at)
             VALUES ({}, '{key}', {zeros}, 201, '[]', {})",
            api.company,
            now - age
        );
        api.sf.execute(&insert).expect("insert");
    }
    let sale = json!({"sku": "P", "warehouse_id": api.warehouse, "delta": -1, "reason": "sale"})
        .to_string();
    let auth = format!("Bearer {}", api.token);
    api.send(
        "POST",
        "/api/stock/adjustments",
        Some(&sale),
        &[("authorization", &auth), ("idempotency-key", "new")],
    )
    .await
    .expect(201);
    let mut keys = strings(&api.sf, "SELECT key FROM idempotency_key");
    keys.sort();
    assert_eq!(keys, ["new", "recent"]);
    let replay = api
        .send(
            "POST",
            "/api/stock/adjustments",
            Some(&sale),
            &[("authorization", &auth), ("idempotency-key", "recent")],
        )
        .await;
    replay.error(409, "conflict");
}

#[tokio::test]
async fn a_request_past_the_request_timeout_is_503_with_the_error_body() {
    let api = Api::with_timeouts(
        std::time::Duration::from_secs(5),
        Some(std::time::Duration::from_millis(200)),
    );
    let holder = Holder::new(&api.sf);
    let res = api
        .call("POST", "/api/warehouses", Some(r#"{"name": "Late"}"#))
        .await;
    assert_eq!(res.headers["retry-after"], "1");
    assert_eq!(res.headers["content-type"], "application/json");
    let msg = res.error(503, "busy");
    assert!(msg.contains("200 ms"), "{msg}");
    drop(holder);
    // The writer got the file after the 503: the request must not be written.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let list = api.call("GET", "/api/warehouses", None).await.expect(200);
    assert_eq!(list.as_array().expect("array").len(), 1, "{list}");
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive_and_a_bare_scheme_is_401() {
    let api = Api::new();
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let auth = format!("{scheme} {}", api.token);
        api.send("GET", "/api/warehouses", None, &[("authorization", &auth)])
            .await
            .expect(200);
    }
    for bad in ["Bearer", "Bearer ", "Bearer   ", "Basic abc", "Bearerx abc"] {
        let res = api
            .send("GET", "/api/warehouses", None, &[("authorization", bad)])
            .await;
        assert_eq!(res.headers["www-authenticate"], "Bearer", "{bad}");
        res.error(401, "unauthorized");
    }
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_422_naming_its_key() {
    let api = Api::new();
    for (body, needle) in [
        (
            json!({"name": "A", "sku": "A", "price": 1, "warehouse_id": "1", "initial_quantity": 1}),
            "warehouse_id: invalid type: string \"1\", expected a whole number",
        ),
        (
            json!({"name": "A", "sku": "A", "price": 1, "threshold": 1.5}),
            "threshold: invalid type: floating point `1.5`, expected a whole number",
        ),
        (
            json!({"name": 5, "sku": "A", "price": 1}),
            "name: invalid type: integer `5`, expected a string",
        ),
    ] {
        let msg = api
            .call("POST", "/api/products", Some(&body.to_string()))
            .await
            .error(422, "invalid_input");
        assert_eq!(msg, needle);
    }
    let batch = json!([
        {"sku": "A", "warehouse_id": api.warehouse, "delta": 1, "reason": "receipt"},
        {"sku": "A", "warehouse_id": api.warehouse, "delta": "x", "reason": "receipt"},
    ]);
    let msg = api
        .call("POST", "/api/stock/adjustments", Some(&batch.to_string()))
        .await
        .error(422, "invalid_input");
    assert!(msg.starts_with("item 2: delta: invalid type"), "{msg}");
}

#[tokio::test]
async fn include_archived_that_is_not_a_boolean_is_422_naming_the_value() {
    let api = Api::new();
    api.product("P", 1).await;
    let msg = api
        .call("GET", "/api/products?include_archived=maybe", None)
        .await
        .error(422, "invalid_input");
    assert_eq!(msg, "include_archived must be true or false: maybe");
    for ok in ["true", "false"] {
        let list = api
            .call("GET", &format!("/api/products?include_archived={ok}"), None)
            .await
            .expect(200);
        assert_eq!(list[0]["sku"], "P", "{ok}");
    }
}

#[tokio::test]
async fn patch_refuses_null_for_name_price_and_type_and_changes_nothing() {
    let api = Api::new();
    api.product("P", 1).await;
    for (key, needle) in [
        ("name", "name: invalid type: null, expected a string"),
        (
            "price",
            "price must be a decimal number such as 19.90 or \"19.90\": null",
        ),
        ("type", "type: invalid type: null, expected a string"),
    ] {
        let body = format!(r#"{{"{key}": null}}"#);
        let msg = api
            .call("PATCH", "/api/products/P", Some(&body))
            .await
            .error(422, "invalid_input");
        assert_eq!(msg, needle);
    }
    let p = api
        .call("PATCH", "/api/products/P", Some(r#"{"threshold": null}"#))
        .await
        .expect(200);
    assert_eq!((&p["name"], &p["price"]), (&json!("P"), &json!("1.00")));
}

#[tokio::test]
async fn an_idempotency_key_given_twice_or_malformed_is_422_and_writes_nothing() {
    let api = Api::new();
    let auth = format!("Bearer {}", api.token);
    let body = r#"{"name": "W2"}"#;
    let res = api
        .send(
            "POST",
            "/api/warehouses",
            Some(body),
            &[
                ("authorization", &auth),
                ("idempotency-key", "a"),
                ("idempotency-key", "b"),
            ],
        )
        .await;
    assert_eq!(
        res.error(422, "invalid_input"),
        "Idempotency-Key must be given once"
    );
    let long = "k".repeat(256);
    for bad in ["", "a b", long.as_str()] {
        let msg = api
            .send(
                "POST",
                "/api/warehouses",
                Some(body),
                &[("authorization", &auth), ("idempotency-key", bad)],
            )
            .await
            .error(422, "invalid_input");
        assert_eq!(
            msg,
            format!("Idempotency-Key must be 1-255 visible ASCII characters: {bad:?}")
        );
    }
    let list = api.call("GET", "/api/warehouses", None).await.expect(200);
    assert_eq!(list.as_array().expect("array").len(), 1, "{list}");
}

#[tokio::test]
async fn a_path_segment_that_is_not_utf8_is_400_with_the_json_error_body() {
    let api = Api::new();
    for (method, path) in [
        ("GET", "/api/products/%FF"),
        ("PATCH", "/api/products/%FF"),
        ("GET", "/api/companies/%FF/alerts/low-stock"),
    ] {
        let msg = api
            .call(method, path, Some("{}"))
            .await
            .error(400, "invalid_input");
        assert!(msg.ends_with(path), "{msg}");
    }
}

#[tokio::test]
async fn an_unknown_or_repeated_query_parameter_is_400_in_one_line() {
    let api = Api::new();
    for (path, needle) in [
        (
            "/api/products?bogus=1",
            "bad query string: bogus: unknown field `bogus`, expected one of `include_archived`, `limit`, `offset`",
        ),
        (
            "/api/products?limit=1&limit=2",
            "bad query string: duplicate field `limit`",
        ),
    ] {
        let msg = api
            .call("GET", path, None)
            .await
            .error(400, "invalid_input");
        assert_eq!(msg, needle);
    }
}

#[tokio::test]
async fn openapi_types_numeric_and_boolean_query_parameters() {
    let api = Api::new();
    let doc = api
        .send("GET", "/api/openapi.json", None, &[])
        .await
        .expect(200);
    let ty = |path: &str, name: &str| -> String {
        let params = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        let p = params
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{path} {name}"));
        p["schema"]["type"].as_str().unwrap_or_default().to_owned()
    };
    for (path, name, want) in [
        ("/api/products", "include_archived", "boolean"),
        ("/api/products", "limit", "integer"),
        ("/api/products", "offset", "integer"),
        ("/api/stock", "warehouse_id", "integer"),
        ("/api/stock", "sku", "string"),
        ("/api/stock/history", "after_id", "integer"),
        ("/api/stock/history", "since", "string"),
        (
            "/api/companies/{company_id}/alerts/low-stock",
            "days",
            "integer",
        ),
        (
            "/api/companies/{company_id}/alerts/low-stock",
            "cover_days",
            "integer",
        ),
    ] {
        assert_eq!(ty(path, name), want, "{path} {name}");
    }
}

/// SPEC 5 through the API: a note or reference over 1,000 characters, or
/// any text with a NUL character, is 422 naming the field; nothing written.
#[tokio::test]
async fn notes_over_1000_characters_and_nul_text_are_422() {
    let api = Api::new();
    api.product("P", 10).await;
    let w = api.warehouse;
    let rows = api.sf.ledger_rows();
    let long = "r".repeat(1001);
    let body =
        json!({"sku": "P", "warehouse_id": w, "delta": 1, "reason": "receipt", "reference": long});
    let msg = api
        .call("POST", "/api/stock/adjustments", Some(&body.to_string()))
        .await
        .error(422, "invalid_input");
    assert!(
        msg.contains("reference must be at most 1000 characters (1001 given)"),
        "{msg}"
    );
    let body = json!({"sku": "P", "from_warehouse_id": w, "to_warehouse_id": w, "quantity": 1, "note": "a\u{0}b"});
    let msg = api
        .call("POST", "/api/stock/transfers", Some(&body.to_string()))
        .await
        .error(422, "invalid_input");
    assert!(msg.contains("NUL"), "{msg}");
    let body = json!({"name": "W\u{0}"});
    api.call("POST", "/api/warehouses", Some(&body.to_string()))
        .await
        .error(422, "invalid_input");
    assert_eq!(api.sf.ledger_rows(), rows);
}

/// The idempotency hash covers the route as matched (the shared extractor
/// reads it), so one key with the same body on another route is 409.
#[tokio::test]
async fn an_idempotency_key_is_bound_to_its_route() {
    let api = Api::new();
    let auth = format!("Bearer {}", api.token);
    let headers = [("authorization", auth.as_str()), ("idempotency-key", "k-1")];
    let body = json!({"name": "Same"}).to_string();
    api.send("POST", "/api/warehouses", Some(&body), &headers)
        .await
        .expect(201);
    api.send("POST", "/api/warehouses", Some(&body), &headers)
        .await
        .expect(201);
    api.send("POST", "/api/suppliers", Some(&body), &headers)
        .await
        .error(409, "conflict");
}

/// Bodies deserialise straight into ids: a warehouse id that is not a
/// positive integer is 422 naming the key and the value, nothing written.
#[tokio::test]
async fn body_ids_are_positive_integers_named_by_their_key() {
    let api = Api::new();
    api.product("P", 10).await;
    let rows = api.sf.ledger_rows();
    for (path, body, part) in [
        (
            "/api/stock/adjustments",
            json!({"sku": "P", "warehouse_id": 0, "delta": 1, "reason": "receipt"}),
            "warehouse_id: warehouse id must be a positive integer: 0",
        ),
        (
            "/api/stock/transfers",
            json!({"sku": "P", "from_warehouse_id": 1, "to_warehouse_id": -2, "quantity": 1}),
            "to_warehouse_id: warehouse id must be a positive integer: -2",
        ),
        (
            "/api/stock/counts",
            json!({"sku": "P", "warehouse_id": 0, "quantity": 1}),
            "warehouse_id: warehouse id must be a positive integer: 0",
        ),
        (
            "/api/products",
            json!({"name": "n", "sku": "NEW", "price": 1, "warehouse_id": 0, "initial_quantity": 1}),
            "warehouse_id: warehouse id must be a positive integer: 0",
        ),
    ] {
        let msg = api
            .call("POST", path, Some(&body.to_string()))
            .await
            .error(422, "invalid_input");
        assert!(msg.contains(part), "{path}: {msg}");
    }
    assert_eq!(api.sf.ledger_rows(), rows);
}
