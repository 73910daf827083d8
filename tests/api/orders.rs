//! `/api/orders` (SPEC 11): the token's company's purchase orders.

use serde_json::{Value, json};

use crate::harness::Api;
use crate::support::argv;

/// Acme's supplier 1 BondTech, ADH-1 linked at 11.20 with 7 days' lead
/// time, TAPE-2 unlinked; company 2 with warehouse 2, supplier 2, OTH-1
/// and its own open order 1.
fn purchasing() -> Api {
    let api = Api::new();
    let sf = &api.sf;
    sf.supplier(1, "BondTech", "sales@bondtech.example");
    sf.product(1, "ADH-1", &[]);
    sf.product(1, "TAPE-2", &[]);
    sf.run(&argv(
        "supplier link --sku ADH-1 --supplier 1 --primary --lead-time-days 7 --cost 11.20",
    ))
    .ok();
    sf.company("Other");
    sf.warehouse(2, "Theirs");
    sf.supplier(2, "Elsewhere", "x@elsewhere.example");
    sf.product(2, "OTH-1", &[]);
    sf.run(&argv(
        "order create --supplier 2 --warehouse 2 --line OTH-1=5",
    ))
    .ok();
    api
}

const ORDER: &str = r#"{"supplier_id": 1, "warehouse_id": 1, "reference": "Q4",
    "ordered_at": "2026-12-03T00:00:00Z",
    "lines": [{"sku": "ADH-1", "quantity": 48}, {"sku": "TAPE-2", "quantity": 10, "unit_cost": "0.35"}]}"#;

#[tokio::test]
async fn post_orders_opens_an_order_as_the_cli_does_with_its_location() {
    let api = purchasing();
    let res = api.call("POST", "/api/orders", Some(ORDER)).await;
    assert_eq!(
        res.headers
            .get("location")
            .map(|v| v.to_str().expect("as the answer holds it")),
        Some("/api/orders/2")
    );
    let order = res.expect(201);
    // 48 × 11.20 + 10 × 0.35 = 537.60 + 3.50; expected 7 days after the 3rd.
    assert_eq!(order["id"], 2);
    assert_eq!(order["status"], "open");
    assert_eq!(order["reference"], "Q4");
    assert_eq!(order["expected_at"], "2026-12-10T00:00:00Z");
    assert_eq!(order["lines"][0]["unit_cost"], "11.20");
    assert_eq!(order["lines"][0]["line_total"], "537.60");
    assert_eq!(order["total_cost"], "541.10");
    assert_eq!(
        api.call("GET", "/api/orders/2", None).await.expect(200),
        order
    );
    assert_eq!(api.sf.json(&argv("order show 2")), order);
}

#[tokio::test]
async fn bad_order_bodies_are_refused_and_write_nothing() {
    let api = purchasing();
    let before = api.sf.snapshot();
    for (body, status, needle) in [
        (
            json!({"supplier_id": 1, "warehouse_id": 1, "lines": [{"sku": "ADH-1", "quantity": 0}]}),
            422,
            "quantity of ADH-1 must be greater than 0: 0",
        ),
        (
            json!({"supplier_id": 1, "warehouse_id": 1, "lines": [{"sku": "ADH-1", "quantity": 1, "unit_cost": "1.999"}]}),
            422,
            "1.999",
        ),
        (
            json!({"supplier_id": 1, "warehouse_id": 1, "lines": [{"sku": "ADH-1", "quantity": 1}, {"sku": "ADH-1", "quantity": 2}]}),
            422,
            "ADH-1 is on the order twice",
        ),
        (
            json!({"supplier_id": 1, "warehouse_id": 1, "lines": []}),
            422,
            "an order needs at least one line",
        ),
        (
            json!({"supplier_id": 1, "warehouse_id": 1, "lines": [{"sku": "ADH-1", "quantity": 1, "cost": 1}]}),
            422,
            "lines[0].cost: unknown field `cost`",
        ),
        (
            json!({"supplier_id": 2, "warehouse_id": 1, "lines": [{"sku": "ADH-1", "quantity": 1}]}),
            404,
            "supplier 2 does not exist",
        ),
        (
            json!({"supplier_id": 1, "warehouse_id": 2, "lines": [{"sku": "ADH-1", "quantity": 1}]}),
            404,
            "warehouse 2 does not exist",
        ),
        (
            json!({"supplier_id": 1, "warehouse_id": 1, "lines": [{"sku": "OTH-1", "quantity": 1}]}),
            404,
            "product OTH-1 does not exist",
        ),
    ] {
        let res = api
            .call("POST", "/api/orders", Some(&body.to_string()))
            .await;
        assert_eq!(res.status.as_u16(), status, "{body}: {res:?}");
        let msg = res.body["error"]["message"]
            .as_str()
            .expect("as the answer holds it")
            .to_owned();
        assert!(msg.contains(needle), "{body}: {msg}");
    }
    assert_eq!(api.sf.snapshot(), before);
}

#[tokio::test]
async fn another_companys_order_is_404_exactly_like_a_missing_one() {
    let api = purchasing();
    let before = api.sf.snapshot();
    for (method, path, body) in [
        ("GET", "/api/orders/{}", None),
        ("POST", "/api/orders/{}/receipts", Some("{}")),
        ("POST", "/api/orders/{}/close", None),
    ] {
        let theirs = api
            .call(method, &path.replace("{}", "1"), body)
            .await
            .error(404, "not_found");
        let missing = api
            .call(method, &path.replace("{}", "99"), body)
            .await
            .error(404, "not_found");
        assert_eq!(
            theirs.replace('1', "N"),
            missing.replace("99", "N"),
            "{method} {path}"
        );
    }
    assert_eq!(api.sf.snapshot(), before);
    let mine = api
        .call("GET", "/api/orders?status=all", None)
        .await
        .expect(200);
    assert_eq!(mine, json!([]));
    api.call("GET", "/api/orders?supplier_id=2", None)
        .await
        .error(404, "not_found");
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .expect("as the answer holds it")
        .iter()
        .map(|o| o["id"].as_i64().expect("as the answer holds it"))
        .collect()
}

#[tokio::test]
async fn receipts_then_close_through_http() {
    let api = purchasing();
    api.call("POST", "/api/orders", Some(ORDER))
        .await
        .expect(201);
    let part = api
        .call(
            "POST",
            "/api/orders/2/receipts",
            Some(r#"{"lines": [{"sku": "ADH-1", "quantity": 20}], "at": "2026-12-08", "note": "pallet 1"}"#),
        )
        .await
        .expect(201);
    assert_eq!(part["order"]["status"], "open");
    assert_eq!(part["order"]["lines"][0]["received"], 20);
    let moves = part["movements"]
        .as_array()
        .expect("as the answer holds it");
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0]["reference"], "PO-2");
    assert_eq!(moves[0]["reason"], "receipt");
    assert_eq!(moves[0]["delta"], 20);
    assert_eq!(moves[0]["note"], "pallet 1");
    assert_eq!(moves[0]["occurred_at"], "2026-12-08T00:00:00Z");
    let before = api.sf.snapshot();
    for (body, status, needle) in [
        (
            r#"{"lines": [{"sku": "ADH-1", "quantity": 29}]}"#,
            409,
            "more than the 28 outstanding",
        ),
        (
            r#"{"lines": [{"sku": "OTH-1", "quantity": 1}]}"#,
            409,
            "OTH-1 is not on purchase order 2",
        ),
        (r#"{"lines": []}"#, 422, "lines must hold at least one line"),
        (r#"{"bogus": 1}"#, 400, "bogus"),
    ] {
        let res = api.call("POST", "/api/orders/2/receipts", Some(body)).await;
        assert_eq!(res.status.as_u16(), status, "{body}: {res:?}");
        let msg = res.body["error"]["message"]
            .as_str()
            .expect("as the answer holds it")
            .to_owned();
        assert!(msg.contains(needle), "{body}: {msg}");
    }
    assert_eq!(api.sf.snapshot(), before);
    assert_eq!(
        ids(&api.call("GET", "/api/orders", None).await.expect(200)),
        [2]
    );
    let closed = api
        .call("POST", "/api/orders/2/close", None)
        .await
        .expect(200);
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["lines"][0]["outstanding"], 28);
    api.call("POST", "/api/orders/2/close", None)
        .await
        .error(409, "conflict");
    api.call("POST", "/api/orders/2/receipts", Some("{}"))
        .await
        .error(409, "conflict");
    assert_eq!(
        ids(&api.call("GET", "/api/orders", None).await.expect(200)),
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&api
            .call("GET", "/api/orders?status=closed&supplier_id=1", None)
            .await
            .expect(200)),
        [2]
    );
    api.call("GET", "/api/orders?status=done", None)
        .await
        .error(422, "invalid_input");
    assert_eq!(api.sf.stock("ADH-1", 1), 20);
    api.sf.run(&["check"]).ok();
}

#[tokio::test]
async fn a_receipt_without_lines_takes_everything_and_a_keyed_retry_writes_once() {
    let api = purchasing();
    api.call("POST", "/api/orders", Some(ORDER))
        .await
        .expect(201);
    let auth = format!("Bearer {}", api.token);
    let headers = [
        ("authorization", auth.as_str()),
        ("idempotency-key", "rcv-1"),
    ];
    let first = api
        .send("POST", "/api/orders/2/receipts", Some("{}"), &headers)
        .await
        .expect(201);
    assert_eq!(first["order"]["status"], "received");
    assert_eq!(
        first["movements"]
            .as_array()
            .expect("as the answer holds it")
            .len(),
        2
    );
    let again = api
        .send("POST", "/api/orders/2/receipts", Some("{}"), &headers)
        .await
        .expect(201);
    assert_eq!(again, first, "the retry is answered from the record");
    assert_eq!(api.sf.stock("ADH-1", 1), 48);
    assert_eq!(api.sf.stock("TAPE-2", 1), 10);
    api.sf.run(&["check"]).ok();
}
